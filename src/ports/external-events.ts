import type { Json } from '../domain/json.js';

/** An event published to a name and key, waiting to be delivered to the workflows that wait for it. */
export interface ExternalEvent {
  readonly id: string;
  readonly name: string;
  readonly key: string;
  readonly data: Json;
  /** Waits whose "as of" time is at or before this receive it. */
  readonly effectiveAt: number;
  readonly publishedAt: number;
}

/** A wait registered by an instance: pointer `pointerId` waits for `name`/`key` events effective at or after `asOf`. */
export interface Subscription {
  readonly instanceId: string;
  readonly pointerId: number;
  readonly name: string;
  readonly key: string;
  readonly asOf: number;
}

/** An activity claimed by an external worker. */
export interface ActivityClaim {
  readonly token: string;
  readonly instanceId: string;
  readonly pointerId: number;
  readonly activityName: string;
  readonly workerId: string;
  readonly expiresAt: number;
}

/**
 * Published events and the waits on them. Instances consume events through their own log
 * (`EventReceived`); this store only finds candidates.
 */
export interface ExternalEventStore {
  publish(event: ExternalEvent): Promise<void>;
  /**
   * Events for `name`/`key` with `effectiveAt >= asOf`, earliest effective first (ties by publish
   * order), skipping `excludeIds`, at most `limit`.
   */
  find(name: string, key: string, asOf: number, excludeIds: ReadonlySet<string>, limit: number): Promise<ExternalEvent[]>;
  subscribe(subscription: Subscription): Promise<void>;
  unsubscribe(instanceId: string, pointerId: number): Promise<void>;
  /** Instances waiting on `name`/`key`. */
  subscribers(name: string, key: string): Promise<Subscription[]>;
  /**
   * Activities: claim the oldest unclaimed (or expired) subscription named `activity:<activityName>`
   * for `workerId`, for `ttlMs`.
   */
  claimActivity(activityName: string, workerId: string, now: number, ttlMs: number): Promise<ActivityClaim | undefined>;
  /** The claim behind a token, if it is still the current one. */
  activityByToken(token: string): Promise<ActivityClaim | undefined>;
  /** Give a claim back before it expires (another worker may claim it at once); false when the token is not current. */
  releaseActivity(token: string): Promise<boolean>;
  /** Remove everything for these instances (purge). */
  removeInstances(instanceIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
