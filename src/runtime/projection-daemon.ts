import { comparePositions } from '../log/position.js';
import type { BoundProjection } from '../projections/catalog.js';
import { catchUp } from '../projections/runner.js';
import { StreamStates } from '../projections/stream-states.js';
import type { RuntimeContext } from './runtime-context.js';
import { Backoff } from './scheduler.js';

/**
 * Runs the async projections of a host: catches each up from its checkpoint after this host's
 * appends (debounced), on another host's wake-up, and every few poll intervals otherwise. Each
 * projection is run by one host at a time (a lease on `projection:<name>`). A projection that fails
 * stops alone, is reported, and is retried with back-off from its checkpoint.
 */
export class ProjectionDaemon {
  private timer?: ReturnType<typeof setTimeout>;
  private running?: Promise<void>;
  private again = false;
  private closed = false;
  private readonly states = new Map<string, StreamStates>();
  private readonly backoff = new Map<string, { b: Backoff; until: number }>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly rt: RuntimeContext,
    private readonly projections: readonly BoundProjection[],
    private readonly debounceMs = 50,
  ) {}

  start(): void {
    if (this.projections.length === 0) return;
    this.unsubscribe.push(this.rt.telemetry.on('events:appended', () => this.schedule()));
    const off = this.rt.p.wakeups?.onWakeup(() => this.schedule());
    if (off) this.unsubscribe.push(off);
    this.schedule(0);
  }

  /** Stop after one last catch-up, so that what this host appended is projected before it goes. */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const off of this.unsubscribe.splice(0)) off();
    await this.running;
    if (this.projections.length) await this.runAll(true);
  }

  /** Run soon (or in `delay` ms). */
  schedule(delay = this.debounceMs): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.runAll().finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.schedule();
        } else if (!this.closed) this.timer = setTimeout(() => ((this.timer = undefined), this.schedule(0)), this.rt.opts.pollInterval * 5);
      });
    }, delay);
  }

  /** Resolves when every async projection has applied the log up to its head at the time of the call. */
  async caughtUp(timeoutMs = 10_000): Promise<void> {
    const head = await this.rt.p.log.headPosition();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let behind = false;
      for (const b of this.projections) if (comparePositions((await b.sink().loadCheckpoint())?.position, head) < 0) behind = true;
      if (!behind) return;
      if (Date.now() > deadline) throw new Error('projections did not catch up in time');
      this.schedule(0);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private async runAll(final = false): Promise<void> {
    for (const bound of this.projections) {
      if (this.closed && !final) return;
      await this.runOne(bound);
    }
  }

  private async runOne(bound: BoundProjection): Promise<void> {
    const { rt } = this;
    const name = bound.projection.name;
    const wait = this.backoff.get(name);
    if (wait && Date.now() < wait.until) return;
    let lease: Awaited<ReturnType<typeof rt.p.lock.acquire>>;
    try {
      lease = await rt.p.lock.acquire(`projection:${name}`, rt.opts.hostId, rt.opts.leaseMs);
    } catch {
      return; // the lock store is down: the next run tries again
    }
    if (!lease) return;
    const held = lease;
    try {
      let states = this.states.get(name);
      if (!states) this.states.set(name, (states = new StreamStates(rt.p.log, 2000)));
      const tel = rt.opts.telemetry;
      const span = tel.startSpan('wfe.projection.batch', { 'wfe.projection': name });
      try {
        const done = await catchUp({ projection: bound.projection, sink: bound.sink(), log: rt.p.log, now: () => rt.opts.clock.now(), states, pageSize: 500 });
        span.end({ 'wfe.events': done.events, 'wfe.pages': done.pages });
        // How far behind the log the projection was when this run started (events it had to apply).
        tel.record('projection.lag', done.events, { 'wfe.projection': name });
      } catch (error) {
        span.end({}, error);
        throw error;
      }
      if (wait?.b.succeed()) rt.telemetry.emit('host:recovered', { where: `projection ${name}` });
      this.backoff.delete(name);
    } catch (error) {
      const b = wait?.b ?? new Backoff(1000, 60_000);
      const { delay, first } = b.fail();
      this.backoff.set(name, { b, until: Date.now() + delay });
      this.states.delete(name);
      rt.telemetry.emit('host:error', { error, where: `projection ${name}`, retryInMs: delay, ...(first ? {} : { repeated: true }) });
    } finally {
      await Promise.resolve()
        .then(() => rt.p.lock.release(held))
        .catch(() => undefined);
    }
  }
}
