import { eventLogMigration } from './001-event-log.js';
import { coordinationMigration } from './002-coordination.js';
import { readSideMigration } from './003-read-side.js';
import { auditMigration } from './004-audit.js';

/** One numbered schema change: DDL as a function of the (quoted) schema name. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: (schema: string) => string;
}

/** Every migration, in order. Append only: a released migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'event-log', sql: eventLogMigration },
  { version: 2, name: 'coordination', sql: coordinationMigration },
  { version: 3, name: 'read-side', sql: readSideMigration },
  { version: 4, name: 'audit', sql: auditMigration },
];

/** The schema version this code writes and reads. */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;
