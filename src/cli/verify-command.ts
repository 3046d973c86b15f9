import { checkSqliteIntegrity } from '../adapters/sqlite/check-sqlite-integrity.js';
import { resolveInstanceId } from '../inspect/resolve-instance-id.js';
import { verifyLimits, verifyStream, type VerifyTrust } from '../inspect/verify-stream.js';
import { parseAnchor, readKeyFile } from '../log/signing.js';
import { canonicalJson } from '../domain/json.js';
import { fold } from '../domain/evolve.js';
import type { EventLog, StoredEvent, Tombstone } from '../ports/event-log.js';
import type { Persistence } from '../ports/persistence.js';
import { SNAPSHOT_SCHEMA } from '../projections/snapshot.js';
import { EXIT } from './cli-error.js';
import { readUserFile } from './cli-input.js';
import { assertExistingDb, childInstances, DEFAULT_DB, isPostgresUrl, openExistingStore } from './open-store.js';
import type { TextOut } from './progress/views.js';

/** Options of `wfe verify`. */
export interface VerifyOptions {
  readonly db?: string;
  /** Also verify the child workflows the instance started. */
  readonly children?: boolean;
  /** Every instance of the log (and of the anchor). The default without an id. */
  readonly all?: boolean;
  /** An anchor file made by `wfe anchor`. */
  readonly anchor?: string;
  /** The signing key's public half (PEM). */
  readonly publicKey?: string;
  readonly json?: boolean;
}

/** Every stream id of the log, in order of first appearance. */
async function allStreams(log: EventLog): Promise<string[]> {
  const ids = new Set<string>();
  for (let after: Awaited<ReturnType<EventLog['headPosition']>>; ; ) {
    const page = await log.readAll(after, 5000);
    for (const e of page) ids.add(e.streamId);
    if (page.length < 5000) break;
    after = page[page.length - 1]!.position;
  }
  return [...ids];
}

/** A stored snapshot that does not match the log: its hash, or its state against the fold up to its version. */
async function snapshotProblem(store: Persistence, id: string, events: readonly StoredEvent[]): Promise<{ version: number; reason: string } | undefined> {
  const snap = await store.snapshots.load(id);
  if (!snap || snap.schema !== SNAPSHOT_SCHEMA) return undefined; // another schema is ignored on load
  const at = events[snap.version - 1];
  if (!at) return { version: snap.version, reason: `the snapshot covers version ${snap.version}, past the end of the log` };
  if (at.hash !== snap.hash) return { version: snap.version, reason: `the snapshot's hash ${snap.hash.slice(0, 12)}… is not the log's ${at.hash.slice(0, 12)}… (the host refuses it on load)` };
  if (canonicalJson(fold(undefined, events.slice(0, snap.version).map((e) => e.event))) !== canonicalJson(snap.state)) return { version: snap.version, reason: 'the snapshot was edited: its state differs from the fold of the log up to its version' };
  return undefined;
}

/** Loads the trust material named by the options (exit 2 when a file cannot be read). */
export function trustFrom(options: { anchor?: string; publicKey?: string }): VerifyTrust {
  return {
    ...(options.publicKey ? { publicKey: readKeyFile(options.publicKey, 'public') } : {}),
    ...(options.anchor ? { anchor: parseAnchor(readUserFile(options.anchor, 'anchor file'), options.anchor) } : {}),
  };
}

/**
 * `wfe verify [ID | --all] [--anchor FILE] [--public-key FILE]`: checks the SQLite file page by
 * page, then each instance's hash chain; with the public key, each signature and that each head is
 * signed; with an anchor, that each anchored stream still has its anchored head (a purged one must
 * have its tombstone). Exit 0 when all is intact, 1 naming the instance, the first bad version and
 * why, 2 when it cannot check. Says what it could not detect without key or anchor.
 */
export async function verifyCommand(instanceId: string | undefined, options: VerifyOptions, out: TextOut): Promise<number> {
  const db = options.db ?? DEFAULT_DB;
  const trust = trustFrom(options);
  const lines: string[] = [];
  const results: unknown[] = [];
  let code: number = EXIT.ok;
  if (!isPostgresUrl(db)) {
    assertExistingDb(db);
    const integrity = checkSqliteIntegrity(db);
    if (!integrity.ok) {
      out.write(`damaged: ${db}: SQLite's integrity check found ${integrity.problems.length === 1 ? 'a problem' : `${integrity.problems.length} problems`}:\n${integrity.problems.map((p) => `  ${p}`).join('\n')}\n`);
      return EXIT.failed;
    }
    lines.push(`ok: ${db}: file intact (SQLite integrity check)`);
  }
  const store = await openExistingStore(db);
  try {
    const tombstones: Tombstone[] = (await store.log.tombstones?.()) ?? [];
    const queue = instanceId !== undefined && !options.all ? [await resolveInstanceId(store, instanceId).catch((e: unknown) => (trust.anchor?.heads.some((h) => h.instanceId === instanceId) ? instanceId : Promise.reject(e)))] : [...new Set([...(await allStreams(store.log)), ...(trust.anchor?.heads.map((h) => h.instanceId) ?? [])])];
    const seen = new Set<string>();
    while (queue.length) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const events = await store.log.read(id);
      const anchored = trust.anchor?.heads.find((h) => h.instanceId === id);
      const tomb = tombstones.find((t) => t.streamId === id);
      if (events.length === 0 && tomb && (!anchored || tomb.lastVersion >= anchored.version)) {
        lines.push(`purged: ${id}: ${tomb.lastVersion} events purged at ${new Date(tomb.purgedAt).toISOString()} by ${tomb.actor ?? 'unknown'}${tomb.reason ? ` (${tomb.reason})` : ''}; last hash ${tomb.lastHash.slice(0, 16)}…`);
        results.push({ instanceId: id, ok: true, purged: tomb });
        continue;
      }
      const chainReport = verifyStream(id, events, trust);
      const snapProblem = chainReport.ok ? await snapshotProblem(store, id, events) : undefined;
      const report = snapProblem ? { ...chainReport, ok: false, problem: snapProblem } : chainReport;
      results.push(report);
      if (report.ok) lines.push(`ok: ${id}: ${events.length} events, hash chain intact${trust.publicKey ? ', signatures valid' : ''}${anchored ? `, anchored head (version ${anchored.version}) present` : ''} (head ${events[events.length - 1]!.hash.slice(0, 16)}…)`);
      else {
        lines.push(`broken: ${id} at version ${report.problem!.version}: ${report.problem!.reason}`);
        code = EXIT.failed;
      }
      if (options.children) queue.push(...childInstances(events));
    }
    for (const limit of verifyLimits(trust)) lines.push(`not checked: ${limit}`);
    out.write(options.json ? `${JSON.stringify({ ok: code === EXIT.ok, instances: results, limits: verifyLimits(trust) }, null, 2)}\n` : `${lines.join('\n')}\n`);
    return code;
  } finally {
    await store.close();
  }
}
