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
