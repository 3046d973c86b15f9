/**
 * 5. Time to load an instance of 10,000 events from SQLite, with and without a snapshot: the host's
 * getWorkflow on a fresh host (empty cache) over the same database file, and its parts measured
 * with the ports directly (reading the log, folding, loading the snapshot).
 * Baseline: the same rows read with better-sqlite3 directly and JSON.parse'd, in the same run.
 *
 *   npx tsx bench/load.ts
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSqlitePersistence } from '../src/adapters/sqlite/index.js';
import { fold } from '../src/domain/evolve.js';
import type { Json } from '../src/domain/json.js';
import { WorkflowHost } from '../src/runtime/host.js';
import { SNAPSHOT_SCHEMA } from '../src/runtime/instance-loader.js';
import { flat, whileLog } from './lib/logs.js';
import { clock, fmt, median, msSince } from './lib/measure.js';
import { runAsScript, type Report } from './lib/report.js';
import { removeTempDir, tempDir } from './lib/temp.js';

const RUNS = Number(process.env.WFE_BENCH_LOAD_RUNS ?? 10);
/** 2,000 while iterations: 5 events each, 10,011 events in all, 2,003 pointers. */
const ITERATIONS = 2000;
const SNAPSHOT_EVERY = 500;

async function timeRuns(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = clock();
    await fn();
    ms.push(msSince(t0));
  }
  return ms;
}

async function main(report: Report): Promise<void> {
  const dir = tempDir('load');
  const path = join(dir, 'wfe.db');
  const p = createSqlitePersistence({ path, synchronous: 'full' });
  try {
    const events = flat(whileLog('plain', ITERATIONS));
    const n = events.length;
    // Snapshots as the host keeps them (one every snapshotEvery events, its default): the latest
    // multiple below n, and one snapshotEvery further back (the longest tail the host leaves).
    const latest = Math.floor(n / SNAPSHOT_EVERY) * SNAPSHOT_EVERY;
    const worst = latest - SNAPSHOT_EVERY;
    for (const id of ['plain', 'snap-latest', 'snap-worst']) {
      const evs = id === 'plain' ? events : flat(whileLog(id, ITERATIONS));
      const [out] = await p.log.appendBatch([{ streamId: id, expectedVersion: 0, events: evs }]);
      if (!out?.ok) throw new Error(`append of ${id} failed`);
    }
    for (const [id, version] of [['snap-latest', latest], ['snap-worst', worst]] as const) {
      const state = fold(undefined, flat(whileLog(id, ITERATIONS)).slice(0, version));
      const hash = (await p.log.read(id, version, version))[0]?.hash ?? '';
      await p.snapshots.save({ streamId: id, version, hash, state: state as unknown as Json, schema: SNAPSHOT_SCHEMA });
    }
    report.note(`instance: a while loop of ${fmt(ITERATIONS)} iterations, ${fmt(n)} events, ${fmt(ITERATIONS + 3)} pointers; snapshots at versions ${latest} and ${worst} (snapshotEvery ${SNAPSHOT_EVERY})`);

    // Baseline: the rows straight from SQLite, parsed.
    const raw = new Database(path, { readonly: true });
    const select = raw.prepare('SELECT body FROM events WHERE stream_id = ? ORDER BY version');
    const rawMs = median(await timeRuns(RUNS, async () => (select.all('plain') as { body: string }[]).map((r) => JSON.parse(r.body) as unknown)));
    raw.close();
    report.add({ name: `baseline: SELECT + JSON.parse of ${fmt(n)} rows with better-sqlite3`, value: rawMs, unit: 'ms' });

    // The host: a fresh host each time (nothing cached), on the same open database.
    const fresh = async (id: string) => {
      const host = new WorkflowHost({ persistence: p, pollInterval: 60_000 });
      await host.start();
      try {
        const t0 = clock();
        const s = await host.getWorkflow(id);
        const ms = msSince(t0);
        if (s.version !== n) throw new Error(`loaded version ${s.version}, expected ${n}`);
        return ms;
      } finally {
        await host.stop();
      }
    };
    const hostMs = async (id: string) => {
      await fresh(id);
      const ms: number[] = [];
      for (let i = 0; i < RUNS; i++) ms.push(await fresh(id));
      return median(ms);
    };
    const without = await hostMs('plain');
    report.add({
      name: `getWorkflow on a fresh host, ${fmt(n)} events, no snapshot`,
      value: without,
      unit: 'ms',
      baseline: { name: 'raw SELECT + parse', value: rawMs, unit: 'ms' },
      ratio: without / rawMs,
      note: `${fmt((n / without) * 1000)} events/s`,
    });
    for (const [id, version] of [['snap-latest', latest], ['snap-worst', worst]] as const) {
      const withSnap = await hostMs(id);
      report.add({
        name: `getWorkflow on a fresh host, snapshot at ${version} + ${n - version} events`,
        value: withSnap,
        unit: 'ms',
        baseline: { name: 'no snapshot', value: without, unit: 'ms' },
        ratio: withSnap / without,
      });
    }

    // Where the time goes: the ports alone.
    const read = median(await timeRuns(RUNS, () => p.log.read('plain')));
    const stored = (await p.log.read('plain')).map((e) => e.event);
    const foldMs = median(await timeRuns(RUNS, async () => fold(undefined, stored)));
    const snapLoad = median(await timeRuns(RUNS, () => p.snapshots.load('snap-worst')));
    const snap = await p.snapshots.load('snap-worst');
    const tail = (await p.log.read('snap-worst', worst + 1)).map((e) => e.event);
    const tailFold = median(await timeRuns(RUNS, async () => fold(snap!.state as never, tail)));
    report.add({ name: `parts: log.read of ${fmt(n)} events (SQLite, decode)`, value: read, unit: 'ms', baseline: { name: 'raw SELECT + parse', value: rawMs, unit: 'ms' }, ratio: read / rawMs });
    report.add({ name: `parts: fold(undefined, ${fmt(n)} events)`, value: foldMs, unit: 'ms', note: `${fmt((n / foldMs) * 1000)} events/s` });
    report.add({ name: `parts: snapshots.load (${fmt(JSON.stringify(snap!.state).length / 1024)} KiB of JSON)`, value: snapLoad, unit: 'ms' });
    report.add({ name: `parts: fold(snapshot, ${tail.length} events)`, value: tailFold, unit: 'ms', note: `${fmt((tail.length / tailFold) * 1000)} events/s` });
  } finally {
    await p.close();
    removeTempDir(dir);
  }
}

await runAsScript('load', main);
