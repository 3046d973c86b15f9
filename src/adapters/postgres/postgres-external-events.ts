import { randomUUID } from 'node:crypto';
import type { Json } from '../../domain/json.js';
import type { ActivityClaim, ExternalEvent, ExternalEventStore, Subscription } from '../../ports/external-events.js';
import { num, run, statement, type PgContext } from './pg-context.js';
import { activityByTokenSql } from './sql/activity-by-token.js';
import { claimActivitySql } from './sql/claim-activity.js';
import { releaseActivitySql } from './sql/release-activity.js';
import { findEventsSql } from './sql/find-events.js';
import { publishEventSql } from './sql/publish-event.js';
import { removeSubscriptionsSql } from './sql/remove-subscriptions.js';
import { subscribeSql } from './sql/subscribe.js';
import { subscribersSql } from './sql/subscribers.js';
import { unsubscribeSql } from './sql/unsubscribe.js';

interface EventRow {
  id: string;
  name: string;
  key: string;
  data: Json;
  effective_at: string;
  published_at: string;
}
interface SubscriptionRow {
  instance_id: string;
  pointer_id: number;
  name: string;
  key: string;
  as_of: string;
}
interface ClaimRow {
  claim_token: string;
  instance_id: string;
  pointer_id: number;
  claim_worker: string;
  claim_expires: string;
}

const ACTIVITY = 'activity:';

const toEvent = (r: EventRow): ExternalEvent => ({
  id: r.id,
  name: r.name,
  key: r.key,
  data: r.data,
  effectiveAt: num(r.effective_at),
  publishedAt: num(r.published_at),
});
const toSubscription = (r: SubscriptionRow): Subscription => ({
  instanceId: r.instance_id,
  pointerId: r.pointer_id,
  name: r.name,
  key: r.key,
  asOf: num(r.as_of),
});
const toClaim = (r: ClaimRow, activityName: string): ActivityClaim => ({
  token: r.claim_token,
  instanceId: r.instance_id,
  pointerId: r.pointer_id,
  activityName,
  workerId: r.claim_worker,
  expiresAt: num(r.claim_expires),
});

/** Published events, waits and activity claims on PostgreSQL. */
export function createPostgresExternalEventStore(ctx: PgContext): ExternalEventStore {
  const st = {
    publish: statement(ctx, 'publish-event', publishEventSql),
    find: statement(ctx, 'find-events', findEventsSql),
    subscribe: statement(ctx, 'subscribe', subscribeSql),
    unsubscribe: statement(ctx, 'unsubscribe', unsubscribeSql),
    subscribers: statement(ctx, 'subscribers', subscribersSql),
    claim: statement(ctx, 'claim-activity', claimActivitySql),
    byToken: statement(ctx, 'activity-by-token', activityByTokenSql),
    release: statement(ctx, 'release-activity', releaseActivitySql),
    remove: statement(ctx, 'remove-subscriptions', removeSubscriptionsSql),
  };
  return {
    async publish(e) {
      await run(ctx, 'publishing an event', st.publish, [e.id, e.name, e.key, JSON.stringify(e.data), e.effectiveAt, e.publishedAt]);
    },
    async find(name, key, asOf, excludeIds, limit) {
      if (limit <= 0) return [];
      const rows = await run<EventRow>(ctx, 'finding events', st.find, [name, key, asOf, [...excludeIds], limit]);
      return rows.map(toEvent);
    },
    async subscribe(s) {
      await run(ctx, 'subscribing', st.subscribe, [s.instanceId, s.pointerId, s.name, s.key, s.asOf]);
    },
    async unsubscribe(instanceId, pointerId) {
      await run(ctx, 'unsubscribing', st.unsubscribe, [instanceId, pointerId]);
    },
    async subscribers(name, key) {
      return (await run<SubscriptionRow>(ctx, 'listing subscribers', st.subscribers, [name, key])).map(toSubscription);
    },
    async claimActivity(activityName, workerId, now, ttlMs) {
      const [row] = await run<ClaimRow>(ctx, 'claiming an activity', st.claim, [ACTIVITY + activityName, workerId, now, ttlMs, randomUUID()]);
      return row ? toClaim(row, activityName) : undefined;
    },
    async activityByToken(token) {
      const [row] = await run<ClaimRow & { name: string }>(ctx, 'reading an activity claim', st.byToken, [token]);
      if (!row || !row.name.startsWith(ACTIVITY)) return undefined;
      return toClaim(row, row.name.slice(ACTIVITY.length));
    },
    async releaseActivity(token) {
      return (await run(ctx, 'releasing an activity claim', st.release, [token])).length > 0;
    },
    async removeInstances(instanceIds) {
      if (instanceIds.length > 0) await run(ctx, 'removing subscriptions', st.remove, [[...instanceIds]]);
    },
    async close() {},
  };
}
