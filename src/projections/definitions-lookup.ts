import type { WorkflowDefinition } from '../domain/definition.js';

/** Finds the definition an instance ran (by id and version): projections use it to name steps. */
export type DefinitionLookup = (definitionId: string, version: number) => WorkflowDefinition | undefined;

/** A step's name, or `step N` when the definition is not known. */
export function stepName(lookup: DefinitionLookup, definitionId: string, version: number, stepId: number): string {
  return lookup(definitionId, version)?.steps[stepId]?.name ?? `step ${stepId}`;
}
