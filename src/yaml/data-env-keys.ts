import type { StepSpec, WorkflowSpec } from './spec.js';
import { allSteps } from './step-walk.js';

/**
 * The data keys a workflow's shell steps may receive as environment variables: what its author
 * declared, i.e. the workflow's `inputs` and `outputs`, every step's declared `outputs`, and the
 * declared outputs of the child workflows it calls (`childOutputs`). A step with `inputs:` also
 * gets its own input names. `<step>.stdout` / `<step>.stderr` are never exported (read them with a
 * step input instead). Names that would become protected variables are dropped later, by `dataToEnv`.
 */
export function dataEnvKeys(wf: WorkflowSpec, childOutputs: (workflowId: string) => readonly string[]): Set<string> {
  const keys = new Set<string>([...Object.keys(wf.inputs ?? {}), ...Object.keys(wf.outputs ?? {})]);
  for (const { step } of allSteps(wf.steps, [])) {
    const spec = step as unknown as StepSpec;
    for (const o of spec.outputs ?? []) keys.add(typeof o === 'string' ? o : o.name);
    const target = spec.type === 'workflow' ? spec.config?.workflow : undefined;
    if (typeof target === 'string') for (const name of childOutputs(target)) keys.add(name);
  }
  return keys;
}
