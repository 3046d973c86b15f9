import type { Lease } from '../ports/lock.js';
import type { RuntimeContext } from './runtime-context.js';

/** Back-off after store failures: doubles from `min` up to `max`, reset by the first success. */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly min: number,
    private readonly max: number,
  ) {}

  /** A failure: how long to wait before trying again (ms), and whether this is the first of a run. */
  fail(): { delay: number; first: boolean } {
    this.failures++;
    return { delay: Math.min(this.max, this.min * 2 ** (this.failures - 1)), first: this.failures === 1 };
  }

  succeed(): boolean {
    const recovered = this.failures > 0;
    this.failures = 0;
    return recovered;
  }

  get failing(): boolean {
    return this.failures > 0;
  }
}

/**
 * The claim loop: claims due instances up to the concurrency limit, hands each to `work`, and
 * sleeps until the next due time, the poll interval, or a wake-up (an append, a start, a release,
 * another host's notification). When the store fails it backs off exponentially (one report per
 * back-off) and resumes at once when a claim succeeds again.
 */
export class Scheduler {
  private loopDone?: Promise<void>;
  private woken = false;
  private sleeping = false;
  /** Cut a sleep short. Replaced only after it aborted one: no controller per wake-up. */
  private interrupt = new AbortController();
  /** Slots promised to starts that will hand their instance over (see `reserve`). */
  private reserved = 0;
  /** There may be due work this host could not take (the last claim filled every free slot, or a start found none free). */
  private backlog = false;
  private readonly backoff: Backoff;

  constructor(
    private readonly rt: RuntimeContext,
    private readonly work: (instanceId: string, claim?: { lease: Lease; version?: number }) => Promise<void>,
  ) {
    this.backoff = new Backoff(Math.min(50, rt.opts.pollInterval), Math.max(rt.opts.pollInterval, 30_000));
  }

  start(): void {
    this.loopDone = this.loop();
  }

  /** Resolves when the loop has ended (after `rt.stopping()` became true and `wake()` was called). */
  async stopped(): Promise<void> {
    this.wake();
    await this.loopDone;
  }

  wake(): void {
    this.woken = true;
    if (this.sleeping) {
      this.sleeping = false;
      this.interrupt.abort();
      this.interrupt = new AbortController();
    }
  }

  /**
   * Promise a slot to a start that will run its instance here at once (its queue entry claimed in
   * the start's own commit): false when every slot is taken (the start then only queues it).
   */
  reserve(): boolean {
    const { inflight } = this.rt.work;
    if (this.rt.stopping() || inflight.size + this.reserved >= this.rt.opts.maxConcurrentWorkflows) {
      this.backlog = true;
      return false;
    }
    this.reserved++;
    return true;
  }

  /** Give back a reserved slot unused (the start failed or could not take the lease). */
  unreserve(): void {
    this.reserved--;
    if (this.backlog) this.wake();
  }

  /** Run a started instance in the slot `reserve` promised, as if the loop had claimed it. */
  adopt(instanceId: string, run: () => Promise<void>): void {
    this.reserved--;
    this.track(instanceId, run());
    // A start went through: a loop backing off from store failures tries again now.
    if (this.backoff.failing) this.wake();
  }

  private track(instanceId: string, work: Promise<void>): void {
    const { inflight } = this.rt.work;
    inflight.set(
      instanceId,
      work.finally(() => {
        inflight.delete(instanceId);
        // A freed slot matters only when work may be waiting for one.
        if (this.backlog || this.rt.stopping()) this.wake();
      }),
    );
  }

  private async loop(): Promise<void> {
    const { rt } = this;
    const { clock, maxConcurrentWorkflows, leaseMs, pollInterval, hostId } = rt.opts;
    const inflight = rt.work.inflight;
    while (!rt.stopping()) {
      this.woken = false;
      const free = maxConcurrentWorkflows - inflight.size - this.reserved;
      let claimed: string[] = [];
      if (free > 0) {
        let leases: Map<string, { lease: Lease; version?: number }> | undefined;
        try {
          // Where the queue's store keeps the leases too, the claim takes them in its own commit.
          const { claimLeased } = rt.p.queue;
          if (rt.inlineWork.leases && claimLeased) {
            const got = await claimLeased.call(rt.p.queue, hostId, clock.now(), free, leaseMs);
            claimed = got.map((c) => c.instanceId);
            leases = new Map(got.flatMap((c) => (c.lease ? [[c.instanceId, { lease: c.lease, ...(c.version !== undefined ? { version: c.version } : {}) }] as const] : [])));
          } else claimed = await rt.p.queue.claim(hostId, clock.now(), free, leaseMs);
          if (this.backoff.succeed()) rt.telemetry.emit('host:recovered', { where: 'claim' });
        } catch (error) {
          const { delay, first } = this.backoff.fail();
          rt.telemetry.emit('host:error', { error, where: 'claim', retryInMs: delay, ...(first ? {} : { repeated: true }) });
          // A wake-up (a start or an append that went through) cuts the back-off short: the store works again.
          this.woken = false;
          await this.sleep(delay);
          continue;
        }
        this.backlog = claimed.length === free;
        for (const id of claimed) if (!inflight.has(id)) this.track(id, this.work(id, leases?.get(id)));
      } else this.backlog = true;
      if (claimed.length > 0 && claimed.length === free) continue;
      let wait = pollInterval;
      try {
        const due = await rt.p.queue.nextDueAt();
        if (due !== undefined) wait = Math.min(wait, Math.max(0, due - clock.now()));
      } catch {
        /* the next claim reports it */
      }
      if (rt.stopping()) break;
      if (wait > 0 || inflight.size >= maxConcurrentWorkflows) await this.sleep(wait > 0 ? wait : pollInterval);
      else await new Promise((r) => setImmediate(r));
    }
  }

  /** Sleep until `ms` passed or a wake-up (one that came since the loop last looked counts too). */
  private async sleep(ms: number): Promise<void> {
    if (this.woken) return;
    this.sleeping = true;
    try {
      await this.rt.opts.clock.sleep(ms, this.interrupt.signal);
    } finally {
      this.sleeping = false;
    }
  }
}
