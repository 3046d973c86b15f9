import { findPointer, type WorkflowStatus } from '../domain/state.js';
import { stepName, type DefinitionLookup } from './definitions-lookup.js';
import type { Projection } from './projection.js';

/** Per definition: instances by status now, and step failures by step name since the start of the log. */
export interface Counters {
  readonly definitionId: string;
  readonly byStatus: Readonly<Partial<Record<WorkflowStatus, number>>>;
  readonly stepFailures: Readonly<Record<string, number>>;
}

/** Counters by definition. Documents are shared by every instance of a definition, so `apply` only adds and subtracts (order of streams does not matter). */
export function countersProjection(lookup: DefinitionLookup): Projection<Counters | null> {
  return {
    name: 'counters',
    version: 1,
    lifecycle: 'async',
    keysOf: (change) => [change.after.definitionId],
    init: () => null,
    apply(doc, change, key) {
      const byStatus: Partial<Record<WorkflowStatus, number>> = { ...doc?.byStatus };
      const stepFailures: Record<string, number> = { ...doc?.stepFailures };
      const { before, after } = change;
      if (before.version === 0 || before.status !== after.status) {
        if (before.version > 0) {
          const left = (byStatus[before.status] ?? 0) - 1;
          // A count of 0 is no key at all: the document must not depend on how changes were batched.
          if (left === 0) delete byStatus[before.status];
          else byStatus[before.status] = left;
        }
        byStatus[after.status] = (byStatus[after.status] ?? 0) + 1;
      }
      for (const { event: e } of change.events) {
        if (e.type !== 'StepFailed') continue;
        // The pointer may have been created by an earlier change: the state after knows its step.
        const stepId = findPointer(after, e.pointerId)?.stepId ?? -1;
        const name = stepName(lookup, after.definitionId, after.definitionVersion, stepId);
        stepFailures[name] = (stepFailures[name] ?? 0) + 1;
      }
      return { definitionId: key, byStatus, stepFailures };
    },
  };
}
