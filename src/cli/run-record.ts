import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowDefinition } from '../domain/definition.js';

/**
 * What `wfe run` keeps beside the database for each run, so that `wfe history` can name steps
 * later: the log records a definition's id and version, not its steps.
 */
export interface RunRecord {
  readonly instanceId: string;
  readonly file: string;
  readonly workflowId: string;
  readonly version: number;
  readonly startedAt: number;
  /** Every workflow of the file (children are started from them). */
  readonly definitions: readonly WorkflowDefinition[];
}

/** `<db>.runs/`, or undefined for an in-memory database. */
export function runRecordDir(db: string): string | undefined {
  return db === ':memory:' ? undefined : `${db}.runs`;
}

/** The root run of an instance: child workflows have ids `<parent>.<pointer>.<attempt>`. */
export function rootInstanceOf(instanceId: string): string {
  return instanceId.split('.', 1)[0] ?? instanceId;
}

/** Saves a run's definitions beside the database (nothing for `:memory:`). */
export function writeRunRecord(db: string, record: RunRecord): void {
  const dir = runRecordDir(db);
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${record.instanceId}.json`), JSON.stringify(record));
}

/** The record of the run an instance (or child instance) belongs to, if it was kept. */
export function readRunRecord(db: string, instanceId: string): RunRecord | undefined {
  const dir = runRecordDir(db);
  const root = rootInstanceOf(instanceId);
  if (!dir || !/^[A-Za-z0-9_-]+$/.test(root)) return undefined;
  const path = join(dir, `${root}.json`);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
}
