/**
 * 4. Cost per item of a forEach over 100, 1,000 and 10,000 items (no-op body; parallel, and
 * sequential), and per iteration of a while loop of the same lengths, on memory persistence, and
 * on durable SQLite for 100 and 1,000. Flat means the cost per item at the largest size is within
 * 2x of the smallest. The baseline of each row is the same loop's cost per item at 100 items.
 *
 * Each case runs in a child process that is killed at a time cap: a case that does not finish is
 * reported as a lower bound (cap / items).
 *
 *   npx tsx bench/loops.ts                       all cases
 *   npx tsx bench/loops.ts memory:while:1000     one case, in this process
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchHost, type Store } from './lib/hosts.js';
import { clock, fmt, msSince } from './lib/measure.js';
import { runAsScript, type Report } from './lib/report.js';
import { removeTempDir, tempDir } from './lib/temp.js';
import { forEachParallel, forEachSequential, loopData, whileLoop, type LoopData } from './lib/workflows.js';

const CAP_MS = Number(process.env.WFE_BENCH_LOOP_CAP_S ?? 12) * 1000;
const WORKFLOWS = { forEach: forEachParallel, 'forEach-seq': forEachSequential, while: whileLoop } as const;
type Kind = keyof typeof WORKFLOWS;

const CASES: [Store, Kind, number[]][] = [
  ['memory', 'forEach', [100, 1_000, 10_000]],
  ['memory', 'forEach-seq', [100, 1_000, 10_000]],
  ['memory', 'while', [100, 1_000, 10_000]],
  ['sqlite', 'forEach', [100, 1_000]],
  ['sqlite', 'while', [100, 1_000]],
];

/** What a case's child process reports: the run's time, or how far it got by the cap. */
interface CaseResult {
  readonly ms: number;
  /** CPU time of the process over the same span (user + system), to read wall times on a busy machine. */
  readonly cpuMs: number;
  /** Events of the instance when it completed, or when the cap was reached. */
  readonly events: number;
  readonly finished: boolean;
}

/** Events per item once a loop runs (5 per while iteration, 4 per sequential forEach item); parallel forEach commits all at once. */
const EVENTS_PER_ITEM: Record<Kind, number | undefined> = { while: 5, 'forEach-seq': 4, forEach: undefined };

/** One case, in this process: warm up on up to 100 items, let the host go idle, then time one run of n. */
async function runCase(store: Store, kind: Kind, n: number): Promise<CaseResult> {
  const wf = WORKFLOWS[kind];
  const b = await benchHost(store, [forEachParallel, forEachSequential, whileLoop]);
  const data = (k: number): LoopData => (kind === 'while' ? { items: [], i: 0, n: k } : loopData(k));
  await b.host.runSync(wf.definition.id, { data: data(Math.min(n, 100)), timeoutMs: 60_000 });
  // Idle first: a start right after a completion can be claimed before its first append is visible (see latency).
  await new Promise((r) => setTimeout(r, 100));
  let version = 0;
  let at = 0;
  console.log('started');
  const t0 = clock();
  const cpu0 = process.cpuUsage();
  const cpuMs = () => {
    const c = process.cpuUsage(cpu0);
    return (c.user + c.system) / 1000;
  };
  b.host.on('events:appended', (e) => {
    version = Math.max(version, e.version);
    at = msSince(t0);
  });
  // Report progress at the cap (when the event loop gets a turn; the parent kills the process otherwise).
  const cap = setTimeout(() => {
    console.log(JSON.stringify({ ms: at, cpuMs: cpuMs(), events: version, finished: false } satisfies CaseResult));
    process.exit(0);
  }, CAP_MS);
  const state = await b.host.runSync(wf.definition.id, { data: data(n), timeoutMs: 3_600_000 });
  const ms = msSince(t0);
  const cpu = cpuMs();
  clearTimeout(cap);
  if (state.status !== 'complete') throw new Error(`${kind} ended ${state.status}`);
  await b.close();
  return { ms, cpuMs: cpu, events: state.version, finished: true };
}

/** Run a case in a child process (killed if it has not answered 5 s past the cap of its timed run, or after a minute more in all). */
function runChild(store: Store, kind: Kind, n: number): Promise<{ result?: CaseResult; error?: string }> {
  const file = fileURLToPath(import.meta.url);
  // The child's temporary files go in a folder of ours, removed even when the child is killed.
  const dir = tempDir('loops');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, `${store}:${kind}:${n}`], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: dir } });
    let out = '';
    let err = '';
    let killed = false;
    const kill = () => {
      killed = true;
      child.kill('SIGKILL');
    };
    // Until the timed run starts (after start-up and warm-up), a generous limit; then the cap and 5 s.
    let timer = setTimeout(kill, CAP_MS + 60_000);
    child.stdout.on('data', (d: Buffer) => {
      const wasStarted = out.includes('started');
      out += d.toString();
      if (!wasStarted && out.includes('started')) {
        clearTimeout(timer);
        timer = setTimeout(kill, CAP_MS + 5_000);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', () => {
      clearTimeout(timer);
      removeTempDir(dir);
      const result = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      if (result) resolve({ result: JSON.parse(result) as CaseResult });
      else if (killed) resolve({ result: { ms: CAP_MS, cpuMs: Number.NaN, events: 0, finished: false } });
      else resolve({ error: err.trim().split('\n').slice(-3).join(' | ') || 'no result' });
    });
  });
}

async function main(report: Report): Promise<void> {
  report.note(`each case in its own process, capped at ${CAP_MS / 1000} s; a case that does not finish is estimated from its progress`);
  for (const [store, kind, sizes] of CASES) {
    /** µs per item; `estimate` when the case ran out of time (from progress, or cap / n as a lower bound). */
    const perItem: { n: number; us: number; estimate?: 'progress' | 'lower bound' }[] = [];
    for (const n of sizes) {
      const label = `${store === 'sqlite' ? 'SQLite (FULL)' : 'memory'} ${kind === 'while' ? 'while loop' : kind === 'forEach' ? 'forEach (parallel)' : 'forEach (sequential)'}, ${fmt(n)} ${kind === 'while' ? 'iterations' : 'items'}`;
      const r = await runChild(store, kind, n);
      if (!r.result) {
        report.note(`${label}: FAILED: ${r.error}`);
        continue;
      }
      const { ms, cpuMs, events, finished } = r.result;
      const base = perItem[0];
      let us = (ms * 1000) / n;
      let note = `${(ms / 1000).toFixed(2)} s (cpu ${(cpuMs / 1000).toFixed(2)} s), ${events} events`;
      let estimate: 'progress' | 'lower bound' | undefined;
      if (!finished) {
        const per = EVENTS_PER_ITEM[kind];
        const done = per ? Math.floor((events - 5) / per) : 0;
        if (done > 0) {
          estimate = 'progress';
          us = (ms * 1000) / done;
          note = `did not finish in ${CAP_MS / 1000} s: ~${fmt(done)} of ${fmt(n)} done at ${(ms / 1000).toFixed(1)} s (version ${events})`;
        } else {
          estimate = 'lower bound';
          us = (CAP_MS * 1000) / n;
          note = `did not finish in ${CAP_MS / 1000} s${events > 0 ? ` (its last commit: version ${events})` : ''}: at least cap / n`;
        }
      }
      perItem.push({ n, us, ...(estimate ? { estimate } : {}) });
      report.add({
        name: label,
        value: us,
        unit: estimate === 'lower bound' ? 'µs/item (at least)' : estimate ? 'µs/item (estimated)' : 'µs/item',
        ...(base ? { baseline: { name: `the same at ${fmt(base.n)}`, value: base.us, unit: 'µs/item' }, ratio: us / base.us } : {}),
        note,
      });
    }
    if (perItem.length < 2) continue;
    const first = perItem[0]!;
    const last = perItem[perItem.length - 1]!;
    const growth = Math.max(...perItem.map((p) => p.us)) / Math.min(...perItem.map((p) => p.us));
    const unknown = perItem.some((p) => p.estimate === 'lower bound');
    report.add({
      name: `${store} ${kind}: cost per item, max / min over ${fmt(first.n)}..${fmt(last.n)}`,
      value: growth,
      unit: unknown ? 'x (a size did not finish: unknown)' : 'x',
      target: 'flat (<= 2x)',
      met: !unknown && growth <= 2,
      note: perItem.map((p) => `${fmt(p.n)}: ${p.estimate === 'lower bound' ? '>= ' : p.estimate ? '~' : ''}${fmt(p.us)} µs`).join(', '),
    });
  }
}

const one = process.argv[2];
if (one) {
  const [store, kind, n] = one.split(':') as [Store, Kind, string];
  console.log(JSON.stringify(await runCase(store, kind, Number(n))));
  process.exit(0);
} else {
  await runAsScript('loops', main);
}
