/**
 * Crashing a host between two appends: the host gets a view of the stores that dies at a chosen
 * append (every later call on any port throws, so nothing more it does becomes durable), and a
 * `CrashEngine` then abandons it and carries on with a new host over the same stores.
 */
import { createMemoryPersistence } from '../../../src/adapters/memory/index.js';
import type { WorkflowEvent } from '../../../src/domain/events.js';
import type { Json } from '../../../src/domain/json.js';
import type { InstanceState } from '../../../src/domain/state.js';
import type { StoredEvent } from '../../../src/ports/event-log.js';
import type { InstanceSummary } from '../../../src/ports/instance-index.js';
import type { Persistence } from '../../../src/ports/persistence.js';
import { SimulatedClock, sequentialIds } from '../../../src/testing/simulated-clock.js';
import { drive, HostEngine, INSTANCE_ID, T0, type DriveResult, type Engine } from './engines.js';
import { buildScenario, type BuiltScenario, type Data, type Scenario } from './scenario.js';

/**
 * Where the process dies:
 * - 'before-append': the append after `survive` successful ones is never made (everything the host
 *   did after the last durable append, subscriptions included, is done);
 * - 'after-append': append number `survive` is durable, and the process dies as it returns, before
 *   the host has done anything that follows it (subscribing a wait, updating the index, releasing the
 *   claim).
 */
export type CrashMode = 'before-append' | 'after-append';

export class CrashSwitch {
  appends = 0;
  dead = false;
  constructor(readonly survive: number, readonly mode: CrashMode) {}
}

export class Crashed extends Error {
  constructor() {
    super('the host process crashed (simulated)');
    this.name = 'Crashed';
  }
}

function dying<T extends object>(target: T, sw: CrashSwitch, wrap?: (name: string, f: (...a: unknown[]) => unknown) => ((...a: unknown[]) => unknown) | undefined): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const v = Reflect.get(t, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      const f = (v as (...a: unknown[]) => unknown).bind(t);
      const special = wrap?.(String(prop), f);
      return (...args: unknown[]) => {
        if (sw.dead) throw new Crashed();
        return (special ?? f)(...args);
      };
    },
  });
}

/** The stores as the doomed host sees them. */
export function crashingView(p: Persistence, sw: CrashSwitch): Persistence {
  const log = dying(p.log, sw, (name, f) => {
    if (name !== 'appendBatch') return undefined;
    return async (...args: unknown[]) => {
      if (sw.mode === 'before-append' && sw.appends >= sw.survive) {
        sw.dead = true;
        throw new Crashed();
      }
      const out = await f(...args);
      sw.appends++;
      if (sw.mode === 'after-append' && sw.appends >= sw.survive) {
        sw.dead = true;
        throw new Crashed();
      }
      return out;
    };
  });
  return {
    log,
    snapshots: dying(p.snapshots, sw),
    queue: dying(p.queue, sw),
    lock: dying(p.lock, sw),
    events: dying(p.events, sw),
    instances: dying(p.instances, sw),
    definitions: dying(p.definitions, sw),
    projections: dying(p.projections, sw),
    ...(p.wakeups ? { wakeups: dying(p.wakeups, sw) } : {}),
  };
}

export interface CrashEngineOptions {
  readonly clock: SimulatedClock;
  readonly persistence: Persistence;
  readonly newId: () => string;
  readonly leaseMs: number;
  readonly crash: CrashSwitch;
}

/**
 * An engine that runs on a doomed host until it dies, then on a new host over the same stores:
 * the lease of the dead host expires (the clock moves by `leaseMs`), the new host claims the
 * instance and continues from the log. An operation interrupted by the crash is done again on the
 * new host when it still has to be (a resume whose append was lost).
 */
export class CrashEngine implements Engine {
  current: HostEngine;
  recovered = false;
  readonly hosts: HostEngine[] = [];

  constructor(readonly b: BuiltScenario, readonly o: CrashEngineOptions) {
    this.current = this.make(crashingView(o.persistence, o.crash), 'host-a');
  }

  private make(persistence: Persistence, hostId: string): HostEngine {
    const engine = new HostEngine(this.b, { clock: this.o.clock, persistence, newId: this.o.newId, host: { hostId, leaseMs: this.o.leaseMs } });
    this.hosts.push(engine);
    return engine;
  }

  async open(): Promise<this> {
    await this.current.open();
    return this;
  }

  private async recover(): Promise<void> {
    if (this.recovered) return;
    this.recovered = true;
    await this.current.close();
    this.current = this.make(this.o.persistence, 'host-b');
    await this.current.open();
    await this.o.clock.advance(this.o.leaseMs);
    await this.current.settle();
  }

  /** Run `op`; when the doomed host died during it, recover and run `again` (if given). */
  private async guard(op: () => Promise<void>, again?: () => Promise<void>): Promise<void> {
    try {
      await op();
    } catch (e) {
      if (!this.o.crash.dead || this.recovered) throw e;
    }
    if (this.o.crash.dead && !this.recovered) {
      await this.recover();
      await again?.();
    }
  }

  now(): number {
    return this.o.clock.now();
  }
  publish(name: string, key: string, data: Json): Promise<void> {
    return this.guard(() => this.current.publish(name, key, data), () => this.current.publish(name, key, data));
  }
  start(data: Data): Promise<void> {
    return this.guard(() => this.current.start(data));
  }
  resume(): Promise<void> {
    return this.guard(
      () => this.current.resume(),
      async () => {
        if ((await this.current.state()).status === 'suspended') await this.current.resume();
      },
    );
  }
  interrupt(kind: 'suspend' | 'terminate'): Promise<void> {
    return this.guard(
      () => this.current.interrupt(kind),
      async () => {
        if ((await this.current.state()).status === 'runnable') await this.current.interrupt(kind);
      },
    );
  }
  settle(): Promise<void> {
    return this.guard(() => this.current.settle());
  }
  advance(ms: number): Promise<void> {
    return this.guard(() => this.current.advance(ms));
  }
  state(): Promise<InstanceState> {
    return this.current.state();
  }
  history(): Promise<StoredEvent[]> {
    return this.o.persistence.log.read(INSTANCE_ID);
  }
  async close(): Promise<void> {
    await this.current.close();
  }
}

/** Time allowed after a run for late work (a re-queued claim comes back after 1 s). */
const SETTLE_MS = 2_000;

/** Leases this short expire as soon as the simulated clock moves, so a take-over costs 1 ms of clock. */
const LEASE_MS = 1;

export function duplicates(events: readonly WorkflowEvent[]): string[] {
  const completed = new Set<number>();
  const started = new Set<string>();
  const found: string[] = [];
  events.forEach((e, i) => {
    if (e.type === 'StepCompleted') {
      if (completed.has(e.pointerId)) found.push(`StepCompleted of pointer ${e.pointerId} again at version ${i + 1}`);
      completed.add(e.pointerId);
    }
    if (e.type === 'StepStarted') {
      const k = `${e.pointerId}/${e.attempt}`;
      if (started.has(k)) found.push(`StepStarted of pointer ${e.pointerId} attempt ${e.attempt} again at version ${i + 1}`);
      started.add(k);
    }
  });
  return found;
}

/**
 * Run a scenario twice: without a crash (the reference), then with the host dying at append
 * number `where` modulo the reference run's appends (at least 1: the start), or exactly after
 * `survive` appends.
 */
export async function crashRun(sc: Scenario, where: number, mode: CrashMode, exactly?: { survive: number }) {
  const b = buildScenario(sc);
  const reference = await new HostEngine(b, { host: { leaseMs: LEASE_MS } }).open();
  const expected = await drive(reference, sc, b).finally(() => reference.close());
  const appends = reference.appended.length;

  const maxSurvive = mode === 'before-append' ? appends - 1 : appends;
  const survive = exactly?.survive ?? 1 + (where % Math.max(1, maxSurvive));
  const clock = new SimulatedClock(T0);
  const persistence = createMemoryPersistence({ clock: () => clock.now(), newToken: sequentialIds('token') });
  const crash = new CrashSwitch(survive, mode);
  const engine = await new CrashEngine(b, { clock, persistence, newId: sequentialIds('ev'), leaseMs: LEASE_MS, crash }).open();
  let actual: DriveResult;
  let settled: { state: InstanceState; indexed: InstanceSummary | undefined };
  try {
    actual = await drive(engine, sc, b);
    const stored = await persistence.log.read(INSTANCE_ID);
    // Then give the host a little more time (a claim that lost a race for the lock comes back a
    // second later) and see what the instance index says.
    await engine.advance(SETTLE_MS);
    settled = { state: await engine.state(), indexed: await persistence.instances.get(INSTANCE_ID) };
    return { expected, actual, stored, crash, appends, engine, reference, settled };
  } finally {
    await engine.close();
  }
}
