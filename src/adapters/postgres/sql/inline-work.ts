/**
 * Work-queue and lease changes that ride in an append's transaction (the start of an instance, the
 * end of a run), as statements over literal arrays so that they go in the append's round trip.
 * Each keeps the meaning of its stand-alone statement (enqueue.ts, release.ts, acquire-lease.ts,
 * release-lease.ts); rows are taken in id order, as there, so batches never deadlock.
 */

/** Queue instances (ids, dues), claimed by (owners, untils) where given: an existing row keeps its claim. */
export const enqueueInlineSql = (s: string, a: { ids: string; dues: string; owners: string; untils: string }): string => `
INSERT INTO ${s}.queue AS q (instance_id, due_at, owner, lease_until)
SELECT id, due, owner, until FROM unnest(${a.ids}, ${a.dues}, ${a.owners}, ${a.untils}) AS t(id, due, owner, until) ORDER BY id
ON CONFLICT (instance_id) DO UPDATE SET
  due_at = CASE WHEN q.owner IS NULL THEN least(q.due_at, EXCLUDED.due_at) ELSE q.due_at END,
  pending_due = CASE WHEN q.owner IS NULL THEN q.pending_due ELSE least(q.pending_due, EXCLUDED.due_at) END`;

/** Finish claims (ids, owners, next dues): as release.ts, one owner per row. */
export const releaseInlineSql = (s: string, a: { ids: string; owners: string; nexts: string }): string => `
WITH r AS (
  SELECT q.instance_id, least(t.next_due, q.pending_due) AS next_due
  FROM ${s}.queue AS q JOIN unnest(${a.ids}, ${a.owners}, ${a.nexts}) AS t(id, owner, next_due) ON q.instance_id = t.id AND q.owner = t.owner
  ORDER BY q.instance_id
  FOR UPDATE OF q
), dropped AS (
  DELETE FROM ${s}.queue AS q USING r WHERE q.instance_id = r.instance_id AND r.next_due IS NULL
)
UPDATE ${s}.queue AS q SET due_at = r.next_due, owner = NULL, lease_until = NULL, pending_due = NULL
FROM r WHERE q.instance_id = r.instance_id AND r.next_due IS NOT NULL`;

/** Take leases (keys, owners, expiries) that are free or expired at `now`; returns the ones taken. */
export const acquireLeasesInlineSql = (s: string, now: string, a: { keys: string; owners: string; expiries: string }): string => `
INSERT INTO ${s}.leases AS l (key, owner, token, expires_at)
SELECT key, owner, 1, expires FROM unnest(${a.keys}, ${a.owners}, ${a.expiries}) AS t(key, owner, expires) ORDER BY key
ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, token = l.token + 1, expires_at = EXCLUDED.expires_at
WHERE l.owner IS NULL OR l.expires_at <= ${now}
RETURNING key, token, expires_at`;

/** Give back leases (keys, owners, tokens) that are still those. */
export const releaseLeasesInlineSql = (s: string, a: { keys: string; owners: string; tokens: string }): string => `
UPDATE ${s}.leases AS l SET owner = NULL, expires_at = 0
FROM unnest(${a.keys}, ${a.owners}, ${a.tokens}) AS t(key, owner, token)
WHERE l.key = t.key AND l.owner = t.owner AND l.token = t.token`;
