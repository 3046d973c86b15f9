/**
 * Schema version 1: the append-only log and the snapshot cache.
 * Events are never updated; they leave only through a purge of whole streams.
 */
export const eventLogMigration = (s: string): string => `
CREATE TABLE ${s}.events (
  position    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream_id   text    NOT NULL,
  version     integer NOT NULL CHECK (version > 0),
  recorded_at bigint  NOT NULL,
  type        text    NOT NULL,
  event       json    NOT NULL,
  meta        json    NOT NULL,
  hash        text    NOT NULL,
  CONSTRAINT events_stream_version UNIQUE (stream_id, version)
);
CREATE TABLE ${s}.snapshots (
  stream_id text    PRIMARY KEY,
  version   integer NOT NULL,
  schema    integer NOT NULL,
  state     json    NOT NULL
);
`;
