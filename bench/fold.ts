/**
 * 1. Replay fold rate. A log of ~1M events shaped as the engine writes them (many 3-step
 * workflows, plus instances with large states: a parallel forEach over 300 items, all branches
 * active at once, and a while loop of 300 iterations) is folded
 *   - with `fold(undefined, events)`, the full-replay path (plain objects, frozen once), and
 *   - with `fold(state, commit)` commit after commit from the state after the first commit (the
 *     live fold path: the loader folds a tail onto a cached state this way), and
 *   - with `decideAll(definition, state, commands)` commit after commit from the empty state, the
 *     commands that write the same log (the live decide path: the host's commit decides and gets
 *     the next state from it, never folding its own events again),
 * against a hand-written mutable fold of the same events (bench/lib/mutable-fold.ts). Targets: full
 * replay >= 0.5 of the baseline, the live paths >= 0.3.
 * Then the per-event cost of folding a 1,000-event tail onto states of 10, 1,000 and 10,000
 * pointers, in one batch and in small batches.
 *
 *   npx tsx bench/fold.ts            (WFE_BENCH_FOLD_EVENTS=200000 for a quicker run)
 */
import { decideAll } from '../src/domain/decide.js';
import type { WorkflowDefinition } from '../src/domain/definition.js';
import { EMPTY_STATE, fold } from '../src/domain/evolve.js';
import type { WorkflowEvent } from '../src/domain/events.js';
import type { InstanceState } from '../src/domain/state.js';
import { recordCommits } from './lib/hosts.js';
import { compareWithEngine, copyOf, eventCount, flat, forEachCommands, forEachLog, threeStepCommands, threeStepLog, whileCommands, whileLog, type CommandCommits, type Commits } from './lib/logs.js';
import { clock, fmt, median, msSince, spread } from './lib/measure.js';
import { foldPlain, summarize, type PlainState } from './lib/mutable-fold.js';
import { runAsScript, type Report } from './lib/report.js';
import { forEachParallel, loopData, threeStep, whileLoop } from './lib/workflows.js';

const TOTAL_EVENTS = Number(process.env.WFE_BENCH_FOLD_EVENTS ?? 1_000_000);
const REPEATS = Number(process.env.WFE_BENCH_REPEATS ?? 3);
const LARGE = 300;
/** Time cap of one scaling case (ms). */
const CASE_CAP_MS = 2000;
/** The live paths fold the first instances of each segment up to this many events (large instances too: one instance alone timed too noisily). */
const DRAFT_SAMPLE = Number(process.env.WFE_BENCH_DRAFT_EVENTS ?? 100_000);

/** Keeps results alive so that no fold is optimised away. */
let sink = 0;

interface Segment {
  readonly name: string;
  readonly instances: Commits[];
  readonly events: number;
  readonly definition: WorkflowDefinition;
  /** The commands that write each instance's log, commit by commit. */
  readonly commands: (instanceId: string) => CommandCommits;
}

function segment(name: string, template: Commits, copies: number, definition: WorkflowDefinition, commands: (instanceId: string) => CommandCommits): Segment {
  const instances = Array.from({ length: copies }, (_, i) => copyOf(template, `${name}-${i}`));
  return { name, instances, events: eventCount(template) * copies, definition, commands };
}

/** Decide `commands` commit by commit from the empty state, as the host's commits do: the events and the state. */
function decideCommits(definition: WorkflowDefinition, commands: CommandCommits): { commits: WorkflowEvent[][]; state: InstanceState } {
  let state = EMPTY_STATE;
  const commits: WorkflowEvent[][] = [];
  for (const c of commands) {
    const now = c[0]!.type === 'Execute' ? c[0]!.startedAt : 0;
    const d = decideAll(definition, state, c, { now });
    if (d.rejected.length > 0) throw new Error(`a bench command was rejected: ${d.rejected[0]!.error.message}`);
    commits.push([...d.events]);
    state = d.state;
  }
  return { commits, state };
}

async function checkShapes(report: Report): Promise<void> {
  const cases: [string, Commits, Promise<WorkflowEvent[][]>][] = [
    ['3-step', threeStepLog('x', 7), recordCommits(threeStep, { order: 7 })],
    ['forEach(3)', forEachLog('x', 3), recordCommits(forEachParallel, loopData(3))],
    ['while(3)', whileLog('x', 3), recordCommits(whileLoop, { items: [], i: 0, n: 3 })],
  ];
  for (const [name, generated, engine] of cases) {
    const diff = compareWithEngine(generated, await engine);
    if (diff) report.note(`WARNING: the generated ${name} log is not what the engine writes now: ${diff}`);
  }
  const live: [string, Commits, WorkflowDefinition, CommandCommits][] = [
    ['3-step', threeStepLog('x'), threeStep.definition, threeStepCommands('x')],
    ['forEach', forEachLog('x', 20), forEachParallel.definition, forEachCommands('x', 20)],
    ['while', whileLog('x', 20), whileLoop.definition, whileCommands('x', 20)],
  ];
  for (const [name, log, definition, commands] of live) {
    const decided = decideCommits(definition, commands);
    const diff = compareWithEngine(log, decided.commits);
    if (diff) throw new Error(`the ${name} commands do not write the ${name} log: ${diff}`);
    if (summarize(decided.state) !== summarize(fold(undefined, decided.commits.flat()))) throw new Error(`decideAll's state is not the fold of its events (${name})`);
  }
  report.note('the bench commands, decided commit by commit, write the generated logs');
  for (const [name, log] of [['3-step', threeStepLog('x')], ['forEach', forEachLog('x', 20)], ['while', whileLog('x', 20)]] as const) {
    const events = flat(log);
    const a = summarize(fold(undefined, events));
    const b = summarize(foldPlain(undefined, events));
    const byCommit = log.slice(1).reduce<InstanceState>((s, c) => fold(s, c), fold(undefined, log[0]!));
    if (a !== b || summarize(byCommit) !== a) throw new Error(`the baseline fold and wfe disagree on the ${name} log:\n${a}\n${b}`);
  }
  report.note('generated logs match what the engine writes; the baseline fold and wfe agree on them');
}

/** Time `run` and `base` alternately, `repeats` times each; medians in events/s. */
function compare(events: number, repeats: number, run: () => void, base: () => void): { events: number; wfe: number[]; base: number[] } {
  const wfe: number[] = [];
  const baseline: number[] = [];
  for (let r = 0; r < repeats; r++) {
    let t0 = clock();
    base();
    baseline.push(events / (msSince(t0) / 1000));
    t0 = clock();
    run();
    wfe.push(events / (msSince(t0) / 1000));
  }
  return { events, wfe, base: baseline };
}

/** From the state after each instance's first commit, fold every later commit in turn (as the loader folds a tail). */
function draftPath(s: Segment): { events: number; batches: number; wfe: number[]; base: number[] } {
  const per = eventCount(s.instances[0]!);
  const sample = DRAFT_SAMPLE;
  const instances = s.instances.slice(0, Math.max(1, Math.ceil(sample / per)));
  const snaps = instances.map((c) => fold(undefined, c[0]!));
  const tails = instances.map((c) => c.slice(1));
  const events = tails.reduce((a, t) => a + eventCount(t), 0);
  const wfe: number[] = [];
  const base: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const plainSnaps: PlainState[] = instances.map((c) => foldPlain(undefined, c[0]!));
    let t = clock();
    for (let i = 0; i < tails.length; i++) {
      const st = plainSnaps[i]!;
      for (const commit of tails[i]!) foldPlain(st, commit);
      sink += st.version;
    }
    base.push(events / (msSince(t) / 1000));
    t = clock();
    for (let i = 0; i < tails.length; i++) {
      let st = snaps[i]!;
      for (const commit of tails[i]!) st = fold(st, commit);
      sink += st.version;
    }
    wfe.push(events / (msSince(t) / 1000));
  }
  return { events, batches: tails.reduce((a, t) => a + t.length, 0), wfe, base };
}

/** From the empty state, decide each instance's commands commit by commit (decideAll, as the host's commit does). */
function decidePath(s: Segment): { events: number; batches: number; wfe: number[]; base: number[] } {
  const per = eventCount(s.instances[0]!);
  const sample = DRAFT_SAMPLE;
  const instances = s.instances.slice(0, Math.max(1, Math.ceil(sample / per)));
  const commands = instances.map((c) => s.commands((c[0]![0] as { instanceId: string }).instanceId));
  const nows = commands.map((cs) => cs.map((c) => (c[0]!.type === 'Execute' ? c[0]!.startedAt : 0)));
  const events = instances.reduce((a, c) => a + eventCount(c), 0);
  const wfe: number[] = [];
  const base: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    let t = clock();
    for (const c of instances) {
      const st = foldPlain(undefined, c[0]!);
      for (let i = 1; i < c.length; i++) foldPlain(st, c[i]!);
      sink += st.version;
    }
    base.push(events / (msSince(t) / 1000));
    t = clock();
    for (let i = 0; i < commands.length; i++) {
      let st = EMPTY_STATE;
      const cs = commands[i]!;
      for (let j = 0; j < cs.length; j++) st = decideAll(s.definition, st, cs[j]!, { now: nows[i]![j]! }).state;
      sink += st.version;
    }
    wfe.push(events / (msSince(t) / 1000));
  }
  return { events, batches: commands.reduce((a, c) => a + c.length, 0), wfe, base };
}

function replayAll(flats: readonly WorkflowEvent[][]): void {
  for (const f of flats) sink += fold(undefined, f).version;
}
function replayAllPlain(flats: readonly WorkflowEvent[][]): void {
  for (const f of flats) sink += foldPlain(undefined, f).version;
}

async function main(report: Report): Promise<void> {
  await checkShapes(report);

  // The corpus: ~10% of the events in large instances, the rest in 3-step workflows.
  const t0 = clock();
  const large = [
    segment(`forEach(${LARGE})`, forEachLog('t', LARGE), Math.max(1, Math.round((TOTAL_EVENTS * 0.05) / eventCount(forEachLog('t', LARGE)))), forEachParallel.definition, (id) => forEachCommands(id, LARGE)),
    segment(`while(${LARGE})`, whileLog('t', LARGE), Math.max(1, Math.round((TOTAL_EVENTS * 0.05) / eventCount(whileLog('t', LARGE)))), whileLoop.definition, (id) => whileCommands(id, LARGE)),
  ];
  const largeEvents = large.reduce((a, s) => a + s.events, 0);
  const small = segment('3-step', threeStepLog('t'), Math.round((TOTAL_EVENTS - largeEvents) / eventCount(threeStepLog('t'))), threeStep.definition, (id) => threeStepCommands(id));
  const segments = [small, ...large];
  report.note(
    `corpus: ${fmt(segments.reduce((a, s) => a + s.events, 0))} events in ${fmt(segments.reduce((a, s) => a + s.instances.length, 0))} instances (${segments.map((s) => `${s.name} x${s.instances.length}`).join(', ')}), made in ${(msSince(t0) / 1000).toFixed(1)} s`,
  );

  // Full replay: fold(undefined, events) per instance, segment by segment; "all" adds up their times.
  const replay = segments.map((s) => {
    const flats = s.instances.map(flat);
    return { s, ...compare(s.events, REPEATS, () => replayAll(flats), () => replayAllPlain(flats)) };
  });
  const draft = segments.map((s) => ({ s, ...draftPath(s) }));
  const decided = segments.map((s) => ({ s, ...decidePath(s) }));
  const paths = [
    ['full replay fold(undefined, events)', replay, 0.5],
    ['live fold path fold(state, commit), commit by commit', draft, 0.3],
    ['live decide path decideAll(state, commands), commit by commit', decided, 0.3],
  ] as const;
  for (const [path, rows, target] of paths) {
    // Weighted as the corpus is (most events in 3-step workflows), whatever sample each segment was timed on.
    const events = rows.reduce((a, r) => a + r.s.events, 0);
    const wfeAll = events / rows.reduce((a, r) => a + r.s.events / median(r.wfe), 0);
    const baseAll = events / rows.reduce((a, r) => a + r.s.events / median(r.base), 0);
    report.add({
      name: `${path}, all (${fmt(events)} events)`,
      value: wfeAll,
      unit: 'events/s',
      baseline: { name: 'hand-written mutable fold', value: baseAll, unit: 'events/s' },
      ratio: wfeAll / baseAll,
      target: `>= ${target} of the baseline`,
      met: wfeAll / baseAll >= target,
      note: `${REPEATS} runs, medians per segment`,
    });
    for (const r of rows) {
      report.add({
        name: `${path}, ${r.s.name}`,
        value: median(r.wfe),
        unit: 'events/s',
        baseline: { name: 'mutable fold', value: median(r.base), unit: 'events/s' },
        ratio: median(r.wfe) / median(r.base),
        note: `${fmt(r.events)} events${'batches' in r ? ` in ${fmt(r.batches)} batches` : ''}, spread wfe ${(spread(r.wfe) * 100).toFixed(0)}% base ${(spread(r.base) * 100).toFixed(0)}%`,
      });
    }
  }

  scaling(report);
}

/**
 * Per-event cost of a 1,000-event tail against the size of the state it is folded onto.
 * `ended`: a while loop's history (every earlier pointer has ended; 5 events per iteration).
 * `active`: a parallel forEach with every branch active (the tail completes 500 of them).
 */
function scaling(report: Report): void {
  const TAIL = 1000;
  interface Case {
    shape: 'ended' | 'active';
    pointers: number;
    state: InstanceState;
    plain: () => PlainState;
    tail: WorkflowEvent[];
  }
  const cases: Case[] = [];
  for (const pointers of [10, 1_000, 10_000]) {
    // while: after k iterations the state has 2 + k pointers; each iteration is 2 commits, 5 events.
    const k = pointers - 2;
    const log = whileLog('w', k + TAIL / 5 + 1);
    const head = log.slice(0, 2 + 2 * k).flat();
    const tail = log.slice(2 + 2 * k, 2 + 2 * k + (2 * TAIL) / 5).flat();
    cases.push({ shape: 'ended', pointers, state: fold(undefined, head), plain: () => foldPlain(undefined, head), tail });
    if (pointers >= 2 + TAIL / 2) {
      const fe = forEachLog('f', pointers - 2);
      const h = fe.slice(0, 3).flat();
      cases.push({ shape: 'active', pointers, state: fold(undefined, h), plain: () => foldPlain(undefined, h), tail: fe[3]!.slice(0, TAIL) });
    }
  }
  const perEvent = new Map<string, number>();
  for (const c of cases) {
    if (c.state.pointerCount !== c.pointers || c.tail.length !== TAIL) throw new Error(`scaling case ${c.shape} ${c.pointers}: ${c.state.pointerCount} pointers, tail ${c.tail.length}`);
    let estimate = 0;
    for (const batch of [10, TAIL]) {
      // A case slower than the cap is measured on the first 100 events of the tail (one batch): per event, the same work.
      const capped = batch === TAIL && estimate * TAIL > CASE_CAP_MS * 1000;
      const tail = capped ? c.tail.slice(0, 100) : c.tail;
      const batches: WorkflowEvent[][] = [];
      for (let i = 0; i < tail.length; i += batch) batches.push(tail.slice(i, i + batch));
      const wfe: number[] = [];
      const base: number[] = [];
      const budget = clock();
      for (let r = 0; r < 30 && (r < 3 || msSince(budget) < CASE_CAP_MS / 2) && msSince(budget) < CASE_CAP_MS; r++) {
        const plain = c.plain();
        let t = clock();
        for (const b of batches) foldPlain(plain, b);
        base.push((msSince(t) * 1000) / tail.length);
        t = clock();
        let s = c.state;
        let folded = 0;
        for (const b of batches) {
          s = fold(s, b);
          folded += b.length;
          if (msSince(t) > CASE_CAP_MS) break;
        }
        wfe.push((msSince(t) * 1000) / folded);
        sink += s.version + plain.version;
      }
      const us = median(wfe);
      if (batch === 10) estimate = us;
      perEvent.set(`${c.shape}/${batch}/${c.pointers}`, us);
      report.add({
        name: `tail of ${TAIL} events in batches of ${batch} onto ${fmt(c.pointers)} pointers (${c.shape === 'ended' ? 'while loop, ended' : 'forEach, all active'})`,
        value: us,
        unit: 'µs/event',
        baseline: { name: 'mutable fold', value: median(base), unit: 'µs/event' },
        ratio: median(base) / us,
        ratioNote: 'speed relative to the baseline',
        note: `${wfe.length} runs${capped ? '; over the time cap: first 100 events as one batch' : ''}`,
      });
    }
  }
  for (const shape of ['ended', 'active'] as const) {
    for (const batch of [TAIL, 10]) {
      const sizes = [10, 1_000, 10_000].filter((p) => perEvent.has(`${shape}/${batch}/${p}`));
      const costs = sizes.map((p) => perEvent.get(`${shape}/${batch}/${p}`)!);
      const growth = costs[costs.length - 1]! / costs[0]!;
      report.add({
        name: `per-event cost growth ${fmt(sizes[0]!)} -> ${fmt(sizes[sizes.length - 1]!)} pointers (${shape}, batches of ${batch})`,
        value: growth,
        unit: 'x',
        target: 'flat (<= 2x)',
        met: growth <= 2,
        note: sizes.map((p, i) => `${fmt(p)}: ${costs[i]!.toFixed(2)} µs`).join(', '),
      });
    }
  }
}

await runAsScript('fold', async (report) => {
  await main(report);
  if (sink === 0.5) console.log('');
});
