/**
 * `wfe/testing`: test your workflows without servers, real time or randomness. The port
 * conformance suites (for adapter authors; they need vitest) are in `wfe/testing/conformance`.
 */
export { SimulatedClock, sequentialIds } from './simulated-clock.js';
export { createTestHost, type TestHost } from './test-host.js';
export { workflowSpec, historyOf, WorkflowSpecError, type WorkflowSpec, type GivenSpec, type WhenSpec, type SpecEvent } from './workflow-spec.js';
