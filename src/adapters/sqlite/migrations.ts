import type Database from 'better-sqlite3';
import { WfeError } from '../../domain/errors.js';

/** One step of the schema: applied once, in order, and recorded in `PRAGMA user_version`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The schema, oldest first. Never edit a released migration: add the next one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      -- AUTOINCREMENT: positions are never reused, even after the newest stream is purged,
      -- so a projection's checkpoint never skips an event.
      CREATE TABLE events (
        position    INTEGER PRIMARY KEY AUTOINCREMENT,
        stream_id   TEXT    NOT NULL,
        version     INTEGER NOT NULL,
        recorded_at INTEGER NOT NULL,
        type        TEXT    NOT NULL,
        body        TEXT    NOT NULL,
        meta        TEXT    NOT NULL,
        hash        TEXT    NOT NULL,
        UNIQUE (stream_id, version)
      );
      CREATE TABLE snapshots (
        stream_id TEXT PRIMARY KEY,
        version   INTEGER NOT NULL,
        schema    INTEGER NOT NULL,
        state     TEXT    NOT NULL
      );
      CREATE TABLE queue (
        instance_id TEXT PRIMARY KEY,
        due_at      INTEGER NOT NULL,
        claimed_by  TEXT,
        claim_until INTEGER,
        requeue_at  INTEGER
      );
      CREATE INDEX queue_due ON queue (due_at);
      CREATE TABLE locks (
        key        TEXT PRIMARY KEY,
        owner      TEXT,
        token      INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE TABLE external_events (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,
        id           TEXT    NOT NULL UNIQUE,
        name         TEXT    NOT NULL,
        key          TEXT    NOT NULL,
        data         TEXT    NOT NULL,
        effective_at INTEGER NOT NULL,
        published_at INTEGER NOT NULL
      );
      CREATE INDEX external_events_find ON external_events (name, key, effective_at, seq);
      CREATE TABLE subscriptions (
        seq           INTEGER PRIMARY KEY AUTOINCREMENT,
        instance_id   TEXT    NOT NULL,
        pointer_id    INTEGER NOT NULL,
        name          TEXT    NOT NULL,
        key           TEXT    NOT NULL,
        as_of         INTEGER NOT NULL,
        claim_token   TEXT UNIQUE,
        claim_worker  TEXT,
        claim_expires INTEGER,
        UNIQUE (instance_id, pointer_id)
      );
      CREATE INDEX subscriptions_wait ON subscriptions (name, key);
      CREATE TABLE instances (
        instance_id        TEXT PRIMARY KEY,
        definition_id      TEXT    NOT NULL,
        definition_version INTEGER NOT NULL,
        reference          TEXT,
        status             TEXT    NOT NULL,
        created_at         INTEGER NOT NULL,
        completed_at       INTEGER,
        version            INTEGER NOT NULL
      );
      CREATE INDEX instances_created ON instances (created_at, instance_id);
      CREATE INDEX instances_status ON instances (status, created_at, instance_id);
      CREATE INDEX instances_definition ON instances (definition_id, created_at, instance_id);
      CREATE INDEX instances_reference ON instances (reference);
    `,
  },
  {
    version: 2,
    name: 'read side: instance search documents, snapshot hashes, definitions, projections',
    sql: `
      -- The index row becomes the instance's search document. Rebuilt with an INTEGER PRIMARY KEY so
      -- the full-text table can use it as its rowid (an implicit rowid may change on VACUUM).
      CREATE TABLE instances_v2 (
        row_id             INTEGER PRIMARY KEY,
        instance_id        TEXT    NOT NULL UNIQUE,
        definition_id      TEXT    NOT NULL,
        definition_version INTEGER NOT NULL,
        definition_hash    TEXT,
        reference          TEXT,
        parent_instance_id TEXT,
        status             TEXT    NOT NULL,
        created_at         INTEGER NOT NULL,
        updated_at         INTEGER NOT NULL,
        completed_at       INTEGER,
        next_due_at        INTEGER,
        version            INTEGER NOT NULL,
        waiting            TEXT    NOT NULL DEFAULT '[]',
        sleeping           TEXT    NOT NULL DEFAULT '[]',
        failed_steps       TEXT    NOT NULL DEFAULT '[]',
        error              TEXT,
        fields             TEXT    NOT NULL DEFAULT '{}',
        text               TEXT    NOT NULL DEFAULT '',
        -- wfe's own tokens of text (tokenize in src/projections/search-query.ts), what FTS indexes.
        search_text        TEXT    NOT NULL DEFAULT ''
      );
      INSERT INTO instances_v2 (instance_id, definition_id, definition_version, reference, status, created_at, updated_at, completed_at, version)
        SELECT instance_id, definition_id, definition_version, reference, status, created_at, coalesce(completed_at, created_at), completed_at, version
        FROM instances;
      DROP TABLE instances;
      ALTER TABLE instances_v2 RENAME TO instances;
      CREATE INDEX instances_created ON instances (created_at, instance_id);
      CREATE INDEX instances_updated ON instances (updated_at, instance_id);
      CREATE INDEX instances_completed ON instances (completed_at, instance_id);
      CREATE INDEX instances_status ON instances (status, created_at, instance_id);
      CREATE INDEX instances_definition ON instances (definition_id, definition_version, created_at, instance_id);
      CREATE INDEX instances_reference ON instances (reference);
      CREATE VIRTUAL TABLE instances_fts USING fts5(
        search_text, content = 'instances', content_rowid = 'row_id', tokenize = 'unicode61 remove_diacritics 0'
      );
      CREATE TRIGGER instances_fts_insert AFTER INSERT ON instances BEGIN
        INSERT INTO instances_fts (rowid, search_text) VALUES (new.row_id, new.search_text);
      END;
      CREATE TRIGGER instances_fts_delete AFTER DELETE ON instances BEGIN
        INSERT INTO instances_fts (instances_fts, rowid, search_text) VALUES ('delete', old.row_id, old.search_text);
      END;
      -- Only when the text changed: most appends change the row's version and times, not its words.
      CREATE TRIGGER instances_fts_update AFTER UPDATE OF search_text ON instances WHEN old.search_text IS NOT new.search_text BEGIN
        INSERT INTO instances_fts (instances_fts, rowid, search_text) VALUES ('delete', old.row_id, old.search_text);
        INSERT INTO instances_fts (rowid, search_text) VALUES (new.row_id, new.search_text);
      END;
      INSERT INTO instances_fts (instances_fts) VALUES ('rebuild');
      -- The chain hash of the event a snapshot covers ('' for snapshots written before: refused on load).
      ALTER TABLE snapshots ADD COLUMN hash TEXT NOT NULL DEFAULT '';
      CREATE TABLE definitions (
        id            TEXT    NOT NULL,
        version       INTEGER NOT NULL,
        hash          TEXT    NOT NULL,
        definition    TEXT    NOT NULL,
        source        TEXT,
        registered_at INTEGER NOT NULL,
        PRIMARY KEY (id, version)
      );
      CREATE INDEX definitions_hash ON definitions (hash);
      CREATE TABLE projection_documents (
        projection TEXT NOT NULL,
        key        TEXT NOT NULL,
        document   TEXT NOT NULL,
        PRIMARY KEY (projection, key)
      ) WITHOUT ROWID;
      CREATE TABLE projection_checkpoints (
        projection         TEXT    PRIMARY KEY,
        projection_version INTEGER NOT NULL,
        position           TEXT,
        updated_at         INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'audit: head signatures, append-only events (triggers), purge tombstones',
    sql: `
      -- base64 Ed25519 signature of the head, on the last event of a signed append (docs/audit.md).
      ALTER TABLE events ADD COLUMN signature TEXT;
      -- The one privileged path for deletes: wfe's purge opens the gate inside its own transaction
      -- (other connections never see it open) and leaves a tombstone per stream.
      CREATE TABLE purge_gate (id INTEGER PRIMARY KEY CHECK (id = 1), open INTEGER NOT NULL DEFAULT 0);
      INSERT INTO purge_gate (id, open) VALUES (1, 0);
      CREATE TABLE tombstones (
        stream_id    TEXT    NOT NULL,
        last_version INTEGER NOT NULL,
        last_hash    TEXT    NOT NULL,
        actor        TEXT,
        reason       TEXT,
        purged_at    INTEGER NOT NULL,
        PRIMARY KEY (stream_id, last_version)
      );
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events
      BEGIN SELECT RAISE(ABORT, 'wfe: events are append-only (UPDATE refused)'); END;
      CREATE TRIGGER events_no_delete BEFORE DELETE ON events
      WHEN (SELECT open FROM purge_gate WHERE id = 1) IS NOT 1
      BEGIN SELECT RAISE(ABORT, 'wfe: events are append-only (DELETE refused: purge through wfe)'); END;
    `,
  },
  {
    version: 4,
    name: 'queue indexes for claims and the next due time',
    sql: `
      -- A claim reads unclaimed due entries in (due_at, instance_id) order and expired claims by
      -- claim_until, each from its own partial index: no scan of the queue, however long it is.
      DROP INDEX queue_due;
      CREATE INDEX queue_unclaimed_due ON queue (due_at, instance_id) WHERE claimed_by IS NULL;
      CREATE INDEX queue_claim_expiry ON queue (claim_until) WHERE claimed_by IS NOT NULL;
    `,
  },
];

/** The schema version this code writes: the last migration's. */
export const SQLITE_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Throws `SCHEMA_TOO_NEW` when the file was written by a newer wfe. Reads only. */
export function assertSchemaKnown(db: Database.Database, path: string): void {
  const found = userVersion(db);
  if (found > SQLITE_SCHEMA_VERSION) {
    throw new WfeError(
      'SCHEMA_TOO_NEW',
      `${path} has schema version ${found}, but this version of wfe knows schema versions up to ${SQLITE_SCHEMA_VERSION}: ` +
        'it was written by a newer wfe. Upgrade wfe to open it (the file was left untouched).',
      { path, found, supported: SQLITE_SCHEMA_VERSION },
    );
  }
}

/**
 * Applies the migrations the file lacks, each in its own write transaction. The version is read
 * again inside the transaction, so two processes opening a new file at once migrate it once.
 */
export function migrate(db: Database.Database, path: string): void {
  assertSchemaKnown(db, path);
  for (const m of MIGRATIONS) {
    if (userVersion(db) >= m.version) continue;
    db.transaction(() => {
      if (userVersion(db) >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  assertSchemaKnown(db, path);
}
