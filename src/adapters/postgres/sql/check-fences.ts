/** SQLSTATE of `checkFencesSql`'s refusal (division_by_zero: raised at execution, never at planning). */
export const FENCE_REFUSED = '22012';

/**
 * Fails the transaction unless every lease (keys, owners, tokens) is current, and share-locks them
 * until it commits (no new owner between this check and the commit), as read-fences.ts does for
 * the reading path.
 */
export const checkFencesSql = (s: string, a: { keys: string; owners: string; tokens: string }): string => `
WITH f AS (
  SELECT l.key FROM ${s}.leases AS l
  JOIN unnest(${a.keys}, ${a.owners}, ${a.tokens}) AS t(key, owner, token) ON l.key = t.key AND l.owner = t.owner AND l.token = t.token
  ORDER BY l.key FOR SHARE OF l
)
SELECT 1 / (SELECT (count(*) = cardinality(${a.keys}))::int FROM f) AS fenced`;
