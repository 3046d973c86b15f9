import { WfeError } from '../../domain/errors.js';

/** The `DEFINITION_CONFLICT` error of saving `id` v`version` with another content than the stored one. */
export function definitionConflict(id: string, version: number, stored: string, given: string): WfeError {
  return new WfeError(
    'DEFINITION_CONFLICT',
    `definition "${id}" version ${version} is already stored with hash ${stored}, and this one has hash ${given}: ` +
      'register a changed definition under a new version',
    { id, version, storedHash: stored, givenHash: given },
  );
}
