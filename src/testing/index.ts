/** `wfe/testing`: test your workflows without servers, real time or randomness. */
export { SimulatedClock, sequentialIds } from './simulated-clock.js';
export { createTestHost, type TestHost } from './test-host.js';
export { workflowSpec, historyOf, WorkflowSpecError, type WorkflowSpec, type GivenSpec, type WhenSpec, type SpecEvent } from './workflow-spec.js';
