import { WfeError } from '../domain/errors.js';
import type { Json } from '../domain/json.js';
import { activePointers, findPointer, type InstanceState } from '../domain/state.js';
import type { ExternalEventStore } from '../ports/external-events.js';
import type { InstanceIndex } from '../ports/instance-index.js';
import { activityEvent } from './step-runner.js';

export interface PendingActivity {
  readonly token: string;
  readonly activityName: string;
  readonly instanceId: string;
  readonly parameters: Json;
  readonly expiresAt: number;
}

/** An activity step waiting for a worker (claimed or not). */
export interface OpenActivity {
  readonly activityName: string;
  readonly instanceId: string;
  readonly pointerId: number;
  readonly parameters: Json;
}

const PREFIX = 'activity:';

/**
 * Activities: tasks an external worker claims and completes through the host. A claim is a lease
 * on the step's subscription; the result comes back as the event the step waits for.
 */
export class Activities {
  private readonly waiting = new Set<() => void>();

  constructor(
    private readonly events: () => ExternalEventStore,
    private readonly index: () => InstanceIndex,
    private readonly now: () => number,
    private readonly load: (instanceId: string) => Promise<InstanceState>,
    private readonly publish: (name: string, key: string, data: Json) => Promise<unknown>,
  ) {}

  /** New activity work may exist (an activity step started waiting): wake claimers that wait. */
  offered(): void {
    for (const w of this.waiting) w();
  }

  /** Claim the oldest pending activity of this name; with `waitMs`, wait up to that long for one. */
  async claim(activityName: string, workerId: string, options: { ttlMs?: number; waitMs?: number } = {}): Promise<PendingActivity | undefined> {
    const deadline = Date.now() + (options.waitMs ?? 0);
    for (;;) {
      const claim = await this.events().claimActivity(activityName, workerId, this.now(), options.ttlMs ?? 60_000);
      if (claim) {
        const p = findPointer(await this.load(claim.instanceId), claim.pointerId);
        return { token: claim.token, activityName, instanceId: claim.instanceId, parameters: p?.activity?.parameters ?? null, expiresAt: claim.expiresAt };
      }
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      // Woken when an activity step starts waiting on this host; another host's work is found by looking again.
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          this.waiting.delete(done);
          resolve();
        };
        const t = setTimeout(done, Math.min(left, 250));
        this.waiting.add(done);
      });
    }
  }

  /** Open activities (claimed or not): of one instance, of one name, or all (at most `limit` instances looked at). */
  async list(filter: { activityName?: string; instanceId?: string; limit?: number } = {}): Promise<OpenActivity[]> {
    const ids = filter.instanceId
      ? [filter.instanceId]
      : filter.activityName
        ? (await this.index().search({ status: 'runnable', waitingFor: PREFIX + filter.activityName, limit: Math.min(filter.limit ?? 1000, 1000) })).items.map((s) => s.instanceId)
        : (await this.index().query({ status: 'runnable', limit: filter.limit ?? 1000 })).filter((s) => s.waiting.some((w) => w.eventName.startsWith(PREFIX))).map((s) => s.instanceId);
    const out: OpenActivity[] = [];
    for (const id of ids) {
      const state = await this.load(id);
      for (const p of activePointers(state)) {
        if (p.status !== 'waitingForEvent' || !p.activity) continue;
        if (filter.activityName && p.activity.name !== filter.activityName) continue;
        out.push({ activityName: p.activity.name, instanceId: id, pointerId: p.id, parameters: p.activity.parameters });
      }
    }
    return out;
  }

  /** Give a claim back before it expires: another worker can claim it at once. */
  async release(token: string): Promise<void> {
    if (!(await this.events().releaseActivity(token))) throw new WfeError('INVALID_COMMAND', `activity token ${token} is unknown or expired`);
    this.offered();
  }

  async submit(token: string, reply: Json): Promise<void> {
    const claim = await this.events().activityByToken(token);
    if (!claim) throw new WfeError('INVALID_COMMAND', `activity token ${token} is unknown or expired`);
    const ev = activityEvent(claim.activityName, claim.instanceId, claim.pointerId);
    await this.publish(ev.name, ev.key, reply);
  }
}
