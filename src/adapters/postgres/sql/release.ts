import { releaseInlineSql } from './inline-work.js';

/**
 * Finish owner $1's claims on instances $2 (text[]), each kept due at the earlier of its next due
 * time ($3, bigint[], null for none) and any enqueue that arrived during the claim, or deleted when
 * both are null. Rows $1 no longer holds are left alone; rows are locked in id order. The same
 * statement as a release that rides with an append, with one owner for every row.
 */
export const releaseSql = (s: string): string =>
  releaseInlineSql(s, { ids: '$2::text[]', owners: 'array_fill($1::text, ARRAY[cardinality($2::text[])])', nexts: '$3::bigint[]' });
