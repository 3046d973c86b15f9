/**
 * wfe as a peer-benchmark engine (a child of `bench/peers/run.ts`, see `child.ts`):
 *
 *   node --expose-gc --import tsx bench/peers/wfe.ts '<json ChildConfig>' sqlite|postgres
 *
 * One `WorkflowHost` with its default options (maxConcurrentWorkflows 64, default poll interval),
 * in this process, on a new SQLite file (WAL, synchronous=FULL: the adapter's default, its
 * durable setting) in the temporary folder, or on the PostgreSQL database `cfg.pg.url` (schema
 * `wfe`, the adapter's default pool). The workflow is `threeStep` of bench/lib/workflows.ts.
 */
import { workflow } from '../../src/domain/builder.js';
import { installCommitCounter } from '../../test/setup/sqlite-commit-counter.js';
import { benchHost, type Store } from '../lib/hosts.js';
import { collectGarbage } from '../lib/measure.js';
import { threeStep } from '../lib/workflows.js';
import { Completions, runChild, type Engine } from './child.js';

const kind = process.argv[3];
if (kind !== 'sqlite' && kind !== 'postgres') throw new Error(`bench/peers/wfe.ts: the store is 'sqlite' or 'postgres', not ${String(kind)}`);
const store: Store = kind;

// For the memory figure: the same workflow whose first step waits for a gate, so that the N
// started workflows stay in flight while the heap is measured.
let gate: Promise<void> = Promise.resolve();
const gated = workflow<{ order: number }>('bench-3step-gated')
  .startWith(() => gate, 'one')
  .then(() => {}, 'two')
  .then(() => {}, 'three')
  .build();

const settledHeap = (): number => {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

await runChild(async (cfg): Promise<Engine> => {
  const commits = store === 'sqlite' ? installCommitCounter() : undefined;
  const b = await benchHost(store, [threeStep, gated], {}, cfg.pg ? { postgresUrl: cfg.pg.url } : {});
  const completions = new Completions();
  b.host.on('workflow:completed', () => completions.bump());
  return {
    completions,
    ...(commits ? { commits } : {}),
    async start(i) {
      await b.host.startWorkflow('bench-3step', { data: { order: i } });
    },
    async inFlightBytes(n) {
      const before = completions.count();
      let open = () => {};
      gate = new Promise<void>((r) => (open = r));
      const h0 = settledHeap();
      await Promise.all(Array.from({ length: n }, (_, i) => b.host.startWorkflow('bench-3step-gated', { data: { order: i } })));
      await new Promise((r) => setTimeout(r, 300)); // the host claims what it can run (64 at most)
      const h1 = settledHeap();
      const inFlight = n - (completions.count() - before);
      open();
      if (!(await completions.reach(before + n, 120_000))) throw new Error('the gated workflows did not complete within 120 s');
      return {
        bytes: (h1 - h0) / n,
        note: `V8 heap after GC with ${inFlight} of ${n} started workflows not complete (the first step waits on a gate; the host runs 64 at a time, the rest wait in the store), less the heap before; native memory (SQLite page cache, pg buffers) not included`,
      };
    },
    close: () => b.close(),
  };
});
