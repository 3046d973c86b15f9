/** Array expressions of snapshot rows, one element per snapshot. */
export interface SnapshotArrays {
  ids: string;
  versions: string;
  schemas: string;
  states: string;
  hashes: string;
}

/** Save snapshots given as parallel arrays: per stream the highest version wins, and an older one never replaces a stored newer one. */
export const saveSnapshotsSql = (s: string, a: SnapshotArrays): string => `
INSERT INTO ${s}.snapshots AS x (stream_id, version, schema, state, hash)
SELECT DISTINCT ON (t.id) t.id, t.version, t.schema, t.state, t.hash
FROM unnest(${a.ids}, ${a.versions}, ${a.schemas}, ${a.states}, ${a.hashes}) WITH ORDINALITY AS t(id, version, schema, state, hash, n)
ORDER BY t.id, t.version DESC, t.n DESC
ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, schema = EXCLUDED.schema, state = EXCLUDED.state, hash = EXCLUDED.hash
WHERE EXCLUDED.version >= x.version`;

/** The parameter form of {@link saveSnapshotsSql}: $1 ids, $2 versions, $3 schemas, $4 states (JSON text), $5 hashes. */
export const saveSnapshotsParamsSql = (s: string): string =>
  saveSnapshotsSql(s, { ids: '$1::text[]', versions: '$2::int[]', schemas: '$3::int[]', states: '$4::json[]', hashes: '$5::text[]' });
