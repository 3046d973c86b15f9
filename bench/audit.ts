/**
 * Audit and time travel (issue 9), print-only:
 *   1. `stateAt` at the middle of a 100,000-event instance through the inspector, without and with
 *      a snapshot just below the middle, against a plain fold of the same prefix in the same run;
 *   2. verify rate (events/s): the hash chain, the chain with every append's head signed (Ed25519),
 *      and raw sha256 over the same bytes (the canonical JSON each hash covers);
 *   3. fork and what-if latency for a 1,000-event instance.
 * The cost of verify-on-load on the host's throughput is the difference of `bench/throughput.ts`
 * before and after the loader's chain check (it hashes each event the host reads once).
 *
 *   npx tsx bench/audit.ts           (WFE_BENCH_AUDIT_EVENTS=20000 for a quicker run)
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { createMemoryPersistence } from '../src/adapters/memory/index.js';
import { verifyChain } from '../src/adapters/shared/hash-chain.js';
import { fold } from '../src/domain/evolve.js';
import { canonicalJson } from '../src/domain/json.js';
import type { Json } from '../src/domain/json.js';
import { createInspector } from '../src/inspect/create-inspector.js';
import { verifyStream } from '../src/inspect/verify-stream.js';
import { signHead } from '../src/log/signing.js';
import type { Persistence } from '../src/ports/persistence.js';
import { snapshotOf } from '../src/projections/snapshot.js';
import { eventCount, whileLog, type Commits } from './lib/logs.js';
import { clock, fmt, median, msSince } from './lib/measure.js';
import { whileLoop } from './lib/workflows.js';

const EVENTS = Number(process.env.WFE_BENCH_AUDIT_EVENTS ?? 100_000);
const REPEATS = Number(process.env.WFE_BENCH_REPEATS ?? 3);
const keys = generateKeyPairSync('ed25519');

/** A while-loop instance of about `events` events. */
function logOf(id: string, events: number): Commits {
  const per = eventCount(whileLog('probe', 100)) / 100;
  return whileLog(id, Math.max(1, Math.round(events / per)));
}

async function store(id: string, commits: Commits, signed: boolean): Promise<Persistence> {
  const p = createMemoryPersistence();
  let version = 0;
  for (const events of commits) {
    await p.log.appendBatch([{ streamId: id, expectedVersion: version, events, meta: { actor: 'bench' }, ...(signed ? { sign: (h: string) => signHead(keys.privateKey, h) } : {}) }]);
    version += events.length;
  }
  const def = whileLoop.definition as unknown as Json;
  await p.definitions.save({ id: whileLoop.definition.id, version: whileLoop.definition.version, hash: createHash('sha256').update(canonicalJson(def)).digest('hex'), definition: def, registeredAt: 0 });
  return p;
}

async function timed(fn: () => Promise<unknown> | unknown): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = clock();
    await fn();
    runs.push(msSince(t0));
  }
  return median(runs);
}

async function main(): Promise<void> {
  // 1. stateAt at the middle.
  const id = 'big';
  const commits = logOf(id, EVENTS);
  const p = await store(id, commits, false);
  const all = await p.log.read(id);
  const mid = Math.floor(all.length / 2);
  const prefix = all.slice(0, mid).map((e) => e.event);
  const plain = await timed(() => fold(undefined, prefix));
  const noSnap = createInspector(p, { useSnapshots: false });
  const without = await timed(() => noSnap.stateAt(id, mid));
  const snapAt = mid - 500;
  await p.snapshots.save(snapshotOf(fold(undefined, all.slice(0, snapAt).map((e) => e.event)), all[snapAt - 1]!.hash));
  const withSnap = await timed(() => createInspector(p).stateAt(id, mid));
  console.log(`stateAt(${fmt(mid)} of ${fmt(all.length)} events): plain fold ${plain.toFixed(1)} ms; inspector without snapshot ${without.toFixed(1)} ms (read + chain check + fold); with a snapshot 500 events below ${withSnap.toFixed(1)} ms`);

  // 2. verify rate.
  const signed = await (await store('signed', commits, true)).log.read('signed');
  const bytes = all.map((e) => canonicalJson({ s: e.streamId, v: e.version, t: e.recordedAt, e: e.event, m: e.meta }));
  const raw = await timed(() => {
    for (const b of bytes) createHash('sha256').update(b).digest('hex');
  });
  const chain = await timed(() => verifyChain(all));
  const withSig = await timed(() => verifyStream('signed', signed, { publicKey: keys.publicKey }));
  const rate = (ms: number) => `${fmt(Math.round(all.length / (ms / 1000)))} events/s`;
  console.log(`verify ${fmt(all.length)} events (${fmt(commits.length)} appends): raw sha256 over the same bytes ${rate(raw)}; hash chain ${rate(chain)}; chain + ${fmt(commits.length)} signatures ${rate(withSig)}`);

  // 3. fork and what-if of a 1,000-event instance.
  const small = await store('small', logOf('small', 1000), false);
  const head = await small.log.streamVersion('small');
  const at = Math.floor(head / 2);
  const inspector = createInspector(small);
  let n = 0;
  const forkMs = await timed(() => inspector.fork('small', { atVersion: at, patch: [{ path: 'note', value: n++ }], instanceId: `fork-${n}` }));
  const whatIfMs = await timed(() => inspector.whatIf('small', { atVersion: at, patch: [{ path: 'note', value: 1 }] }));
  console.log(`${fmt(head)}-event instance: fork at ${at} ${forkMs.toFixed(1)} ms; what-if ${whatIfMs.toFixed(1)} ms`);
}

await main();
