import type { WorkflowDefinition } from '../../domain/definition.js';

/**
 * Which steps of a definition are handlers, as text for people: step id → `on_failure of deploy`
 * or `ensure of deploy`. A hook block of several steps is a `sequence` whose first child starts a
 * chain linked by outcomes; every step on that chain gets the role.
 */
export function stepRoles(definition: WorkflowDefinition): Map<number, string> {
  const roles = new Map<number, string>();
  const mark = (target: number | undefined, role: string): void => {
    if (target === undefined) return;
    const head = definition.steps[target];
    let next: number | undefined = head?.kind === 'sequence' ? head.children[0] : target;
    const seen = new Set<number>();
    while (next !== undefined && !seen.has(next)) {
      seen.add(next);
      if (!roles.has(next)) roles.set(next, role);
      next = definition.steps[next]?.outcomes[0]?.next;
    }
  };
  for (const step of definition.steps) {
    mark(step.onFailure, `on_failure of ${step.name}`);
    mark(step.ensure, `ensure of ${step.name}`);
  }
  return roles;
}
