/** Array expressions (parameters such as `$1::text[]`, or literal arrays) of instance rows, one element per row. */
export interface InstanceArrays {
  ids: string;
  definitionIds: string;
  definitionVersions: string;
  definitionHashes: string;
  references: string;
  parents: string;
  statuses: string;
  createdAts: string;
  updatedAts: string;
  completedAts: string;
  nextDueAts: string;
  versions: string;
  waitings: string;
  sleepings: string;
  failedSteps: string;
  errors: string;
  fields: string;
  texts: string;
  /** Each row's distinct tokens joined by spaces: the tsvector is made of exactly these. */
  tokens: string;
}

/**
 * Insert or replace instance rows given as parallel arrays: one row per id (the highest version,
 * then the last given, wins), and a stored row with a higher version is never replaced.
 */
export const upsertInstancesSql = (s: string, a: InstanceArrays): string => `
INSERT INTO ${s}.instances AS i
  (instance_id, definition_id, definition_version, definition_hash, reference, parent_instance_id, status, created_at, updated_at,
   completed_at, next_due_at, version, waiting, sleeping, failed_steps, error, fields, text, search)
SELECT DISTINCT ON (t.id) t.id, t.def, t.defv, t.defh, t.ref, t.parent, t.status, t.created, t.updated, t.completed, t.next_due,
  t.version, t.waiting, t.sleeping, t.failed, t.error, t.fields, t.text, array_to_tsvector(string_to_array(t.tokens, ' '))
FROM unnest(${a.ids}, ${a.definitionIds}, ${a.definitionVersions}, ${a.definitionHashes}, ${a.references}, ${a.parents}, ${a.statuses},
  ${a.createdAts}, ${a.updatedAts}, ${a.completedAts}, ${a.nextDueAts}, ${a.versions}, ${a.waitings}, ${a.sleepings}, ${a.failedSteps},
  ${a.errors}, ${a.fields}, ${a.texts}, ${a.tokens})
  WITH ORDINALITY AS t(id, def, defv, defh, ref, parent, status, created, updated, completed, next_due, version, waiting, sleeping,
    failed, error, fields, text, tokens, n)
ORDER BY t.id, t.version DESC, t.n DESC
ON CONFLICT (instance_id) DO UPDATE SET
  definition_id = EXCLUDED.definition_id, definition_version = EXCLUDED.definition_version, definition_hash = EXCLUDED.definition_hash,
  reference = EXCLUDED.reference, parent_instance_id = EXCLUDED.parent_instance_id, status = EXCLUDED.status,
  created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, completed_at = EXCLUDED.completed_at,
  next_due_at = EXCLUDED.next_due_at, version = EXCLUDED.version, waiting = EXCLUDED.waiting, sleeping = EXCLUDED.sleeping,
  failed_steps = EXCLUDED.failed_steps, error = EXCLUDED.error, fields = EXCLUDED.fields, text = EXCLUDED.text, search = EXCLUDED.search
WHERE EXCLUDED.version >= i.version`;

/** The parameter form of {@link upsertInstancesSql}: $1..$19 in the order of `InstanceArrays`. */
export const upsertInstancesParamsSql = (s: string): string =>
  upsertInstancesSql(s, {
    ids: '$1::text[]',
    definitionIds: '$2::text[]',
    definitionVersions: '$3::int[]',
    definitionHashes: '$4::text[]',
    references: '$5::text[]',
    parents: '$6::text[]',
    statuses: '$7::text[]',
    createdAts: '$8::bigint[]',
    updatedAts: '$9::bigint[]',
    completedAts: '$10::bigint[]',
    nextDueAts: '$11::bigint[]',
    versions: '$12::int[]',
    waitings: '$13::jsonb[]',
    sleepings: '$14::jsonb[]',
    failedSteps: '$15::jsonb[]',
    errors: '$16::text[]',
    fields: '$17::jsonb[]',
    texts: '$18::text[]',
    tokens: '$19::text[]',
  });
