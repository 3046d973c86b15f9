import { allSteps, isRecord } from './step-walk.js';
import type { DocPath } from './yaml-source.js';

/** A cycle of `type: workflow` references, e.g. `['a', 'b', 'a']`, and the step that closes it. */
export interface WorkflowCycle {
  readonly ids: readonly string[];
  readonly at: DocPath;
}

/** Every distinct cycle among the workflows of one file (a workflow that starts itself included). */
export function workflowCycles(byId: ReadonlyMap<string, { wf: Record<string, unknown>; path: DocPath }>): WorkflowCycle[] {
  const edges = new Map<string, { to: string; at: DocPath }[]>();
  for (const [id, { wf, path }] of byId) {
    edges.set(
      id,
      allSteps(wf.steps, [...path, 'steps']).flatMap(({ step, path: at }) =>
        step.type === 'workflow' && isRecord(step.config) && typeof step.config.workflow === 'string' && byId.has(step.config.workflow)
          ? [{ to: step.config.workflow, at: [...at, 'config', 'workflow'] as DocPath }]
          : [],
      ),
    );
  }
  const cycles: WorkflowCycle[] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const dfs = (id: string): void => {
    state.set(id, 'open');
    stack.push(id);
    for (const edge of edges.get(id) ?? []) {
      if (state.get(edge.to) === 'open') {
        const ids = [...stack.slice(stack.indexOf(edge.to)), edge.to];
        const key = canonical(ids);
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push({ ids, at: edge.at });
        }
      } else if (!state.has(edge.to)) dfs(edge.to);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of byId.keys()) if (!state.has(id)) dfs(id);
  return cycles;
}

/** The same cycle found from another starting point has the same key. */
function canonical(ids: readonly string[]): string {
  const ring = ids.slice(0, -1);
  const start = ring.indexOf([...ring].sort()[0]!);
  return [...ring.slice(start), ...ring.slice(0, start)].join('\u0000');
}
