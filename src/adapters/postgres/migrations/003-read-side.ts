/**
 * Schema version 3: the read side. The index row becomes the instance's search document (JSON
 * lists and fields, a tsvector of wfe's own tokens with a GIN index), snapshots carry the chain
 * hash they cover, and definitions and projection documents with checkpoints get their tables.
 * Ids and keys compare in "C" collation (code point order), the order every store pages in.
 */
export const readSideMigration = (s: string): string => `
ALTER TABLE ${s}.instances ALTER COLUMN instance_id TYPE text COLLATE "C";
ALTER TABLE ${s}.instances
  ADD COLUMN definition_hash    text,
  ADD COLUMN parent_instance_id text,
  ADD COLUMN updated_at         bigint,
  ADD COLUMN next_due_at        bigint,
  ADD COLUMN waiting            jsonb    NOT NULL DEFAULT '[]',
  ADD COLUMN sleeping           jsonb    NOT NULL DEFAULT '[]',
  ADD COLUMN failed_steps       jsonb    NOT NULL DEFAULT '[]',
  ADD COLUMN error              text,
  ADD COLUMN fields             jsonb    NOT NULL DEFAULT '{}',
  ADD COLUMN text               text     NOT NULL DEFAULT '',
  ADD COLUMN search             tsvector NOT NULL DEFAULT ''::tsvector;
UPDATE ${s}.instances SET updated_at = coalesce(completed_at, created_at);
ALTER TABLE ${s}.instances ALTER COLUMN updated_at SET NOT NULL;
CREATE INDEX instances_updated ON ${s}.instances (updated_at, instance_id);
CREATE INDEX instances_completed ON ${s}.instances (completed_at, instance_id);
CREATE INDEX instances_search ON ${s}.instances USING gin (search);
CREATE INDEX instances_waiting ON ${s}.instances USING gin (waiting jsonb_path_ops);
CREATE INDEX instances_failed_steps ON ${s}.instances USING gin (failed_steps jsonb_path_ops);
ALTER TABLE ${s}.snapshots ALTER COLUMN stream_id TYPE text COLLATE "C";
ALTER TABLE ${s}.snapshots ADD COLUMN hash text NOT NULL DEFAULT '';
CREATE TABLE ${s}.definitions (
  id            text    COLLATE "C" NOT NULL,
  version       integer NOT NULL,
  hash          text    NOT NULL,
  definition    json    NOT NULL,
  source        json,
  registered_at bigint  NOT NULL,
  PRIMARY KEY (id, version)
);
CREATE INDEX definitions_hash ON ${s}.definitions (hash);
CREATE TABLE ${s}.projection_documents (
  projection text COLLATE "C" NOT NULL,
  key        text COLLATE "C" NOT NULL,
  document   json NOT NULL,
  PRIMARY KEY (projection, key)
);
CREATE TABLE ${s}.projection_checkpoints (
  projection         text    COLLATE "C" PRIMARY KEY,
  projection_version integer NOT NULL,
  position           text,
  updated_at         bigint  NOT NULL
);
`;
