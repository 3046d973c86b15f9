import { WfeError } from '../domain/errors.js';
import type { Json } from '../domain/json.js';
import { findPointer, type InstanceState } from '../domain/state.js';
import type { ExternalEventStore } from '../ports/external-events.js';
import { activityEvent } from './step-runner.js';

export interface PendingActivity {
  readonly token: string;
  readonly activityName: string;
  readonly instanceId: string;
  readonly parameters: Json;
  readonly expiresAt: number;
}

/**
 * Activities: tasks an external worker claims and completes through the host. A claim is a lease
 * on the step's subscription; the result comes back as the event the step waits for.
 */
export class Activities {
  constructor(
    private readonly events: () => ExternalEventStore,
    private readonly now: () => number,
    private readonly load: (instanceId: string) => Promise<InstanceState>,
    private readonly publish: (name: string, key: string, data: Json) => Promise<unknown>,
  ) {}

  async claim(activityName: string, workerId: string, ttlMs = 60_000): Promise<PendingActivity | undefined> {
    const claim = await this.events().claimActivity(activityName, workerId, this.now(), ttlMs);
    if (!claim) return undefined;
    const state = await this.load(claim.instanceId);
    const p = findPointer(state, claim.pointerId);
    return { token: claim.token, activityName, instanceId: claim.instanceId, parameters: p?.activity?.parameters ?? null, expiresAt: claim.expiresAt };
  }

  async submit(token: string, reply: Json): Promise<void> {
    const claim = await this.events().activityByToken(token);
    if (!claim) throw new WfeError('INVALID_COMMAND', `activity token ${token} is unknown or expired`);
    const ev = activityEvent(claim.activityName, claim.instanceId, claim.pointerId);
    await this.publish(ev.name, ev.key, reply);
  }
}
