import type { Json } from '../domain/json.js';

/** A registered definition as stored: enough to name steps, inspect and fork without the code. */
export interface StoredDefinition {
  readonly id: string;
  readonly version: number;
  /** sha256 (hex) of the canonical JSON of `definition` and `source`. */
  readonly hash: string;
  /** The `WorkflowDefinition` (JSON data; step code is named, not stored). */
  readonly definition: Json;
  /** Where it came from: for YAML the workflow spec (commands included), for the builder nothing more. */
  readonly source?: Json;
  readonly registeredAt: number;
}

/**
 * Definitions by id and version. Saving one whose id and version exist with the same hash changes
 * nothing; with another hash it throws `DEFINITION_CONFLICT` naming both hashes.
 */
export interface DefinitionStore {
  save(definition: StoredDefinition): Promise<void>;
  get(id: string, version: number): Promise<StoredDefinition | undefined>;
  getByHash(hash: string): Promise<StoredDefinition | undefined>;
  /** Every stored version (of one id, when given), by id then version. */
  list(id?: string): Promise<StoredDefinition[]>;
}
