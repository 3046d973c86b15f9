import { verifyChain } from '../adapters/shared/hash-chain.js';
import { WfeError } from '../domain/errors.js';
import { EVENT_TYPES } from '../domain/events.js';
import { fold } from '../domain/evolve.js';
import type { WorkflowDefinition } from '../domain/definition.js';
import type { StoredDefinition } from '../ports/definition-store.js';
import type { StoredEvent } from '../ports/event-log.js';
import type { Persistence } from '../ports/persistence.js';
import { summarizeInstance } from '../projections/instance-summary.js';
import { readPrefix } from './read-prefix.js';
import { verifyStream, type VerifyTrust } from './verify-stream.js';

/** The first line of an export: what follows and what it ran. */
export interface ExportHeader {
  readonly format: 'wfe-export/1';
  readonly instanceId: string;
  readonly events: number;
  readonly exportedAt: string;
  readonly definition: StoredDefinition | null;
}

/** One event line: the stored event without its position (which belongs to the exporting log). */
export type ExportedEvent = Omit<StoredEvent, 'position'>;

/**
 * One instance as JSON lines: a header (format, instance, event count, the stored definition),
 * then every event with its envelope, chain hash and signature. The chain is checked first.
 */
export async function exportRun(p: Persistence, instanceId: string, now: number): Promise<string> {
  const { events } = await readPrefix(p.log, instanceId);
  const first = events[0]!.event;
  const definition = first.type === 'WorkflowStarted' ? ((await p.definitions.get(first.definitionId, first.definitionVersion)) ?? null) : null;
  const header: ExportHeader = { format: 'wfe-export/1', instanceId, events: events.length, exportedAt: new Date(now).toISOString(), definition };
  const lines = [JSON.stringify(header), ...events.map(({ position: _p, ...e }) => JSON.stringify(e))];
  return `${lines.join('\n')}\n`;
}

const bad = (where: string, message: string, details: Record<string, unknown> = {}) => new WfeError('INVALID_ARGUMENT', `${where}: ${message}`, { argument: 'import', ...details });
const KNOWN = new Set<string>(EVENT_TYPES);

/** Parse and check an export: format, one stream, every line an event of a known type, the chain (and signatures with a key). */
export function parseExport(text: string, where: string, trust: VerifyTrust = {}): { header: ExportHeader; events: StoredEvent[] } {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const parse = (line: string, n: number): unknown => {
    try {
      return JSON.parse(line);
    } catch (e) {
      throw bad(`${where} line ${n}`, `not JSON (${(e as Error).message})`);
    }
  };
  const header = parse(lines[0] ?? '', 1) as Partial<ExportHeader>;
  if (header?.format !== 'wfe-export/1') throw bad(where, `not a wfe export this version reads (format ${JSON.stringify(header?.format)}, expected wfe-export/1): it comes from another engine or version`);
  const id = header.instanceId;
  if (typeof id !== 'string' || id === '') throw bad(where, 'the header names no instance');
  const events = lines.slice(1).map((line, i) => {
    const e = parse(line, i + 2) as Partial<StoredEvent>;
    if (e?.streamId !== id) throw bad(`${where} line ${i + 2}`, `an event of ${JSON.stringify(e?.streamId)}, not of ${id}`, { instanceId: id, version: e?.version });
    if (!e.event || !KNOWN.has(e.event.type) || typeof e.hash !== 'string' || !Number.isInteger(e.version) || typeof e.recordedAt !== 'number') throw bad(`${where} line ${i + 2}`, 'not a stored wfe event', { instanceId: id });
    return { ...e, meta: e.meta ?? {}, position: '' } as StoredEvent;
  });
  if (events.length === 0 || events.length !== header.events) throw bad(where, `the header says ${String(header.events)} events, the file has ${events.length}: truncated`, { instanceId: id });
  const problem = verifyChain(events);
  if (problem) throw new WfeError('CORRUPT_LOG', `${where}: instance ${id} has a broken chain at version ${problem.version}: ${problem.problem}; nothing imported`, { instanceId: id, version: problem.version });
  if (trust.publicKey) {
    const report = verifyStream(id, events, { publicKey: trust.publicKey });
    if (!report.ok) throw new WfeError('CORRUPT_LOG', `${where}: instance ${id} at version ${report.problem!.version}: ${report.problem!.reason}; nothing imported`, { instanceId: id, version: report.problem!.version });
  }
  return { header: header as ExportHeader, events };
}

/**
 * Import an export into a store, verified first, all or nothing: the instance must not exist there;
 * its definition is stored (DEFINITION_CONFLICT when another one has that id and version); the
 * events keep their recorded times, hashes and signatures (the log's `importStream`); the index row follows.
 */
export async function importRun(p: Persistence, text: string, where: string, trust: VerifyTrust = {}): Promise<{ instanceId: string; events: number }> {
  const { header, events } = parseExport(text, where, trust);
  const id = header.instanceId;
  if (!p.log.importStream) throw new WfeError('INVALID_ARGUMENT', `this store's log cannot import streams with their hashes (SQLite, PostgreSQL and memory can)`, { argument: 'db' });
  if ((await p.log.streamVersion(id)) > 0) throw new WfeError('INVALID_ARGUMENT', `instance ${id} already exists in the target store: nothing imported`, { argument: 'import', instanceId: id });
  if (header.definition) await p.definitions.save(header.definition);
  await p.log.importStream(events.map(({ position: _p, ...e }) => e));
  const state = fold(undefined, events.map((e) => e.event));
  const definition = header.definition?.definition as unknown as WorkflowDefinition | undefined;
  await p.instances.upsert([summarizeInstance(state, () => definition)]);
  return { instanceId: id, events: events.length };
}
