/**
 * Generated workflows for the determinism properties: a scenario is plain data (a tree of nodes, each
 * task carrying its own script of outcomes per attempt, plus when the awaited events are published),
 * so fast-check can print and shrink it. `buildScenario` turns it into a real definition with the
 * builder; the step bodies only read their script, so every run of a scenario is deterministic.
 */
import fc from 'fast-check';
import { workflow, type BuiltWorkflow, type StepBuilder, type WorkflowBuilder } from '../../../src/domain/builder.js';
import type { ErrorBehavior } from '../../../src/domain/definition.js';
import type { Json } from '../../../src/domain/json.js';
import type { StepContext } from '../../../src/domain/step-api.js';

export type Data = Record<string, Json>;

/**
 * How a successful attempt changes the data: set a key of its own, push onto / shift from / change
 * the last element of the shared `list` in place, replace that element, write a nested object, or delete keys.
 */
export type DataOp = 'set' | 'push' | 'shift' | 'bump' | 'swap' | 'nest' | 'delete';

/** One attempt of a step: succeed (optionally changing the data) or throw. */
export type Attempt = { readonly ok: true; readonly write?: number; readonly op?: DataOp } | { readonly ok: false };

/** The error behaviours a generated task may declare. */
export type TaskErrorSpec =
  | { readonly type: 'retry'; readonly interval: number; readonly maxRetries: number; readonly backoff?: number }
  | { readonly type: 'suspend' }
  | { readonly type: 'terminate' }
  | { readonly type: 'compensate' };

/** When the events a `waitFor` needs are published, relative to the run. */
export type PublishAt = 'before' | 'after' | 'late' | 'never';

export type Node =
  | { readonly k: 'task'; readonly script: readonly Attempt[]; readonly onError?: TaskErrorSpec; readonly compensation?: readonly Attempt[] }
  | { readonly k: 'if'; readonly cond: boolean; readonly body: readonly Node[] }
  | { readonly k: 'while'; readonly times: number; readonly body: readonly Node[] }
  | { readonly k: 'forEach'; readonly items: readonly number[]; readonly sequential: boolean; readonly body: readonly Node[] }
  | { readonly k: 'parallel'; readonly branches: readonly (readonly Node[])[] }
  | { readonly k: 'saga'; readonly body: readonly Node[]; readonly compensation?: readonly Attempt[]; readonly retries?: number }
  | { readonly k: 'wait'; readonly publish: PublishAt; readonly copies: number }
  | { readonly k: 'delay'; readonly ms: number };

export interface Scenario {
  readonly steps: readonly Node[];
  /** Length of the shared `list` in the data the instance starts with. */
  readonly list?: number;
  readonly defaultOnError: TaskErrorSpec;
  /** How many times the driver resumes a suspended instance before giving up. */
  readonly resumes: number;
  /** Suspend or terminate the instance by request at the start of a round, if it is runnable then. */
  readonly interrupt?: { readonly round: number; readonly kind: 'suspend' | 'terminate' };
}

/** What the driver must publish for the scenario's waits. */
export interface WaitPlan {
  readonly name: string;
  readonly key: string;
  readonly publish: PublishAt;
  readonly copies: number;
}

export interface BuiltScenario {
  readonly built: BuiltWorkflow;
  readonly waits: readonly WaitPlan[];
}

export const WORKFLOW_ID = 'prop';
export const EVENT_KEY = 'k';

// ---------------------------------------------------------------------------------------------
// Arbitraries

const SAFE_OPS: readonly DataOp[] = ['set', 'push', 'bump', 'swap', 'nest', 'delete'];

/**
 * An attempt. `shift` (removing from the front of the shared list) is only generated where no other
 * step can run in the same pass, unless `conflicts` is set: see concurrent-patches-known-bug.test.ts for what concurrent removals
 * do today.
 */
function attemptArb(shift: boolean): fc.Arbitrary<Attempt> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record(
        {
          ok: fc.constant(true as const),
          write: fc.integer({ min: 0, max: 9 }),
          op: fc.constantFrom<DataOp>(...SAFE_OPS, ...(shift ? (['shift'] as const) : [])),
        },
        { requiredKeys: ['ok'] },
      ),
    },
    { weight: 2, arbitrary: fc.constant({ ok: false as const }) },
  );
}
/** A script: the outcome of attempts 1, 2, ...; attempts past its end succeed without changing anything. */
const scriptArb = (shift: boolean) => fc.array(attemptArb(shift), { maxLength: 3 });

const retryArb = fc.record(
  {
    type: fc.constant('retry' as const),
    interval: fc.constantFrom(0, 1000, 5000),
    maxRetries: fc.integer({ min: 0, max: 3 }),
    backoff: fc.constantFrom(1, 2),
  },
  { requiredKeys: ['type', 'interval', 'maxRetries'] },
);
export const errorSpecArb: fc.Arbitrary<TaskErrorSpec> = fc.oneof(
  retryArb,
  fc.constant({ type: 'suspend' as const }),
  fc.constant({ type: 'terminate' as const }),
  fc.constant({ type: 'compensate' as const }),
);

const taskArb = (shift: boolean): fc.Arbitrary<Node> =>
  fc.record(
    {
      k: fc.constant('task' as const),
      script: scriptArb(shift),
      onError: errorSpecArb,
      // Compensations may run beside other branches: never `shift` there.
      compensation: scriptArb(false),
    },
    { requiredKeys: ['k', 'script'] },
  );

const waitArb: fc.Arbitrary<Node> = fc.record({
  k: fc.constant('wait' as const),
  publish: fc.constantFrom<PublishAt>('before', 'after', 'late', 'before', 'after', 'never'),
  copies: fc.integer({ min: 1, max: 2 }),
});

const delayArb: fc.Arbitrary<Node> = fc.record({ k: fc.constant('delay' as const), ms: fc.constantFrom(0, 1000, 30_000) });

const leafArb = (shift: boolean): fc.Arbitrary<Node> =>
  fc.oneof({ weight: 6, arbitrary: taskArb(shift) }, { weight: 1, arbitrary: waitArb }, { weight: 1, arbitrary: delayArb });

export interface Sizes {
  /** Nesting depth of containers (the top-level list is depth 0). */
  readonly depth: number;
  /** Steps in one list. */
  readonly width: number;
  /** Steps in the top-level list. */
  readonly topWidth: number;
  /** Also generate list removals in steps that run beside others (a known engine bug: off by default). */
  readonly conflicts?: boolean;
}

export const DEFAULT_SIZES: Sizes = { depth: 3, width: 3, topWidth: 4 };

/** `concurrent`: inside a parallel branch or a parallel forEach, where sibling steps share a pass. */
function nodeArb(depth: number, sizes: Sizes, concurrent: boolean): fc.Arbitrary<Node> {
  const shift = !concurrent || sizes.conflicts === true;
  if (depth <= 0) return leafArb(shift);
  const body = (inParallel: boolean) => fc.array(nodeArb(depth - 1, sizes, concurrent || inParallel), { minLength: 1, maxLength: sizes.width });
  const containers: fc.Arbitrary<Node>[] = [
    fc.record({ k: fc.constant('if' as const), cond: fc.boolean(), body: body(false) }),
    fc.record({ k: fc.constant('while' as const), times: fc.integer({ min: 0, max: 2 }), body: body(false) }),
    fc.boolean().chain((sequential) =>
      fc.record({
        k: fc.constant('forEach' as const),
        items: fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 3 }),
        sequential: fc.constant(sequential),
        body: body(!sequential),
      }),
    ),
    fc.record({ k: fc.constant('parallel' as const), branches: fc.array(body(true), { minLength: 1, maxLength: 3 }) }),
    fc.record(
      { k: fc.constant('saga' as const), body: body(false), compensation: scriptArb(false), retries: fc.integer({ min: 1, max: 2 }) },
      { requiredKeys: ['k', 'body'] },
    ),
  ];
  return fc.oneof(
    { weight: 4, arbitrary: leafArb(shift) },
    ...containers.map((arbitrary) => ({ weight: 1, arbitrary })),
  );
}

/** Random workflows: sequences, parallel, if, while, forEach, sagas, waits, delays, error behaviours. */
export function scenarioArb(sizes: Sizes = DEFAULT_SIZES): fc.Arbitrary<Scenario> {
  return fc.record(
    {
      steps: fc.array(nodeArb(sizes.depth, sizes, false), { minLength: 1, maxLength: sizes.topWidth }),
      list: fc.integer({ min: 0, max: 3 }),
      defaultOnError: errorSpecArb,
      resumes: fc.integer({ min: 0, max: 3 }),
      interrupt: fc.record({ round: fc.integer({ min: 0, max: 3 }), kind: fc.constantFrom('suspend' as const, 'suspend' as const, 'terminate' as const) }),
    },
    { requiredKeys: ['steps', 'list', 'defaultOnError', 'resumes'] },
  );
}

/** The data an instance of the scenario starts with. */
export function initialData(sc: Scenario): Data {
  return { list: Array.from({ length: sc.list ?? 0 }, (_, i) => ({ v: i, by: 'start' })) };
}

// ---------------------------------------------------------------------------------------------
// Building

/** A step failure with no stack (stacks are noise in the log and in counterexamples). */
class ScriptedFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScriptedFailure';
    this.stack = '';
  }
}

function itemOf(ctx: StepContext<Data>): number | undefined {
  return typeof ctx.item === 'number' ? ctx.item : undefined;
}

/**
 * A body that plays a script: attempt n (shifted by the forEach item, so branches differ) fails or
 * succeeds as written; a success writes its value under a key of the step (and item).
 */
function scripted(script: readonly Attempt[], prefix: string, observe?: (ctx: StepContext<Data>) => void) {
  return (ctx: StepContext<Data>): void => {
    const item = itemOf(ctx);
    const a = script[ctx.attempt - 1 + (item ?? 0)];
    if (a && !a.ok) throw new ScriptedFailure(`${prefix}${ctx.step.id} failed at attempt ${ctx.attempt}${item !== undefined ? ` (item ${item})` : ''}`);
    if (a?.ok && a.write !== undefined) change(ctx.data, `${prefix}${ctx.step.id}${item !== undefined ? `_${item}` : ''}`, a.write, a.op ?? 'set');
    observe?.(ctx);
  };
}

const isObject = (v: Json | undefined): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Apply one scripted change to the (draft) data. */
function change(d: Data, key: string, n: number, op: DataOp): void {
  const list = (): Json[] => (Array.isArray(d.list) ? d.list : (d.list = []));
  switch (op) {
    case 'set':
      d[key] = n;
      return;
    case 'push':
      list().push({ v: n, by: key });
      return;
    case 'shift':
      list().splice(0, 1 + (n % 2));
      return;
    case 'bump': {
      const l = list();
      const last = l[l.length - 1];
      if (isObject(last) && typeof last.v === 'number') last.v += 1;
      else l.push({ v: n, by: key });
      return;
    }
    case 'swap': {
      const l = list();
      l[Math.max(0, l.length - 1)] = { v: n, by: key };
      return;
    }
    case 'nest': {
      const obj = isObject(d.obj) ? d.obj : (d.obj = {});
      obj[key] = { v: n, a: [n, key] };
      return;
    }
    case 'delete':
      delete d[key];
      if (isObject(d.obj)) delete d.obj[Object.keys(d.obj)[0] ?? ''];
      return;
  }
}

function toBehavior(spec: TaskErrorSpec): ErrorBehavior {
  return spec;
}

export interface BuildOptions {
  readonly id?: string;
  /** Called by every scripted body that succeeds, after it changed the data (a draft). */
  readonly observe?: (ctx: StepContext<Data>) => void;
}

/** Turn a scenario into a definition with the real builder. */
export function buildScenario(sc: Scenario, options: BuildOptions = {}): BuiltScenario {
  const { id = WORKFLOW_ID, observe } = options;
  const waits: WaitPlan[] = [];
  let counters = 0;

  const chainAll = (start: StepBuilder<Data>, nodes: readonly Node[]): StepBuilder<Data> => {
    let b = start;
    for (const n of nodes) b = chain(b, n);
    return b;
  };

  const chain = (sb: StepBuilder<Data>, n: Node): StepBuilder<Data> => {
    switch (n.k) {
      case 'task': {
        const b = sb.then(scripted(n.script, 's', observe), 'task');
        if (n.onError) b.onError(toBehavior(n.onError));
        if (n.compensation) b.compensateWith(scripted(n.compensation, 'c', observe), 'undo');
        return b;
      }
      case 'if':
        return sb.ifDo(() => n.cond, (br) => chainAll(br.start(), n.body));
      case 'while': {
        const key = `loop${++counters}`;
        return sb.whileDo(
          (d) => ((d[key] as number | undefined) ?? 0) < n.times,
          (br) => chainAll(br.start(), n.body).then((ctx) => {
            ctx.data[key] = ((ctx.data[key] as number | undefined) ?? 0) + 1;
            observe?.(ctx);
          }, 'count'),
        );
      }
      case 'forEach':
        return sb.forEach(() => n.items, (br) => chainAll(br.start(), n.body), { sequential: n.sequential });
      case 'parallel': {
        let p = sb.parallel();
        for (const branch of n.branches) p = p.do((br) => chainAll(br.start(), branch));
        return p.join();
      }
      case 'saga': {
        const b = sb.saga((br) => chainAll(br.start(), n.body));
        if (n.compensation) b.compensateWith(scripted(n.compensation, 'c', observe), 'undo saga');
        if (n.retries !== undefined) b.onError({ type: 'retry', interval: 1000, maxRetries: n.retries });
        return b;
      }
      case 'wait': {
        const name = `ev${waits.length + 1}`;
        waits.push({ name, key: EVENT_KEY, publish: n.publish, copies: n.copies });
        return sb.waitFor(name, EVENT_KEY).output((d, o: { eventData: Json }) => {
          d[`w_${name}`] = o.eventData;
        });
      }
      case 'delay':
        return sb.delay(n.ms);
    }
  };

  const wb: WorkflowBuilder<Data> = workflow<Data>(id, 1).defaultOnError(toBehavior(sc.defaultOnError));
  const built = chainAll(wb.start(), sc.steps).build();
  return { built, waits };
}

/** Number of nodes, for statistics. */
export function sizeOf(nodes: readonly Node[]): number {
  let n = 0;
  for (const node of nodes) {
    n++;
    if ('body' in node) n += sizeOf(node.body);
    if (node.k === 'parallel') for (const b of node.branches) n += sizeOf(b);
  }
  return n;
}
