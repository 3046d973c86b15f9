import { randomUUID } from 'node:crypto';
import type { Json } from '../../domain/json.js';
import type { ActivityClaim, ExternalEvent, ExternalEventStore, Subscription } from '../../ports/external-events.js';
import type { SqliteStore } from './open-sqlite-database.js';
import { parseStoredJson } from './parse-stored-json.js';

const PUBLISH = `
  INSERT INTO external_events (id, name, key, data, effective_at, published_at) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO NOTHING`;
const FIND = `
  SELECT id, name, key, data, effective_at, published_at FROM external_events
  WHERE name = ? AND key = ? AND effective_at >= ? ORDER BY effective_at, seq LIMIT ?`;
// Subscribing again replaces the wait; a claim survives only if the wait is for the same name and key.
const SUBSCRIBE = `
  INSERT INTO subscriptions (instance_id, pointer_id, name, key, as_of) VALUES (@instanceId, @pointerId, @name, @key, @asOf)
  ON CONFLICT (instance_id, pointer_id) DO UPDATE SET
    claim_token   = CASE WHEN name = excluded.name AND key = excluded.key THEN claim_token ELSE NULL END,
    claim_worker  = CASE WHEN name = excluded.name AND key = excluded.key THEN claim_worker ELSE NULL END,
    claim_expires = CASE WHEN name = excluded.name AND key = excluded.key THEN claim_expires ELSE NULL END,
    name = excluded.name, key = excluded.key, as_of = excluded.as_of`;
const UNSUBSCRIBE = 'DELETE FROM subscriptions WHERE instance_id = ? AND pointer_id = ?';
const SUBSCRIBERS = 'SELECT instance_id, pointer_id, name, key, as_of FROM subscriptions WHERE name = ? AND key = ? ORDER BY seq';
const CLAIM_ACTIVITY = `
  UPDATE subscriptions SET claim_token = @token, claim_worker = @worker, claim_expires = @expires
  WHERE seq = (
    SELECT seq FROM subscriptions
    WHERE name = @name AND (claim_token IS NULL OR claim_expires <= @now)
    ORDER BY seq LIMIT 1)
  RETURNING instance_id, pointer_id`;
const RELEASE = 'UPDATE subscriptions SET claim_token = NULL, claim_worker = NULL, claim_expires = NULL WHERE claim_token = ?';
const BY_TOKEN = 'SELECT instance_id, pointer_id, name, claim_worker, claim_expires FROM subscriptions WHERE claim_token = ?';
const REMOVE_INSTANCE = 'DELETE FROM subscriptions WHERE instance_id = ?';

const ACTIVITY = 'activity:';

interface EventRow {
  id: string;
  name: string;
  key: string;
  data: string;
  effective_at: number;
  published_at: number;
}
interface SubRow {
  instance_id: string;
  pointer_id: number;
  name: string;
  key: string;
  as_of: number;
}

/** Published events, waits and activity claims on SQLite. */
export function createSqliteExternalEventStore(store: SqliteStore, newToken: () => string = randomUUID, onClose?: () => void): ExternalEventStore {
  const removeAll = store.db.transaction((ids: readonly string[]) => {
    for (const id of ids) store.statement(REMOVE_INSTANCE).run(id);
  });
  const toEvent = (r: EventRow): ExternalEvent => ({
    id: r.id,
    name: r.name,
    key: r.key,
    data: parseStoredJson<Json>(r.data, store.path, `the data of external event "${r.id}"`),
    effectiveAt: r.effective_at,
    publishedAt: r.published_at,
  });
  let closed = false;
  return {
    async publish(e) {
      store.guard('publishing an event', () =>
        store.statement(PUBLISH).run(e.id, e.name, e.key, JSON.stringify(e.data), e.effectiveAt, e.publishedAt),
      );
    },
    async find(name, key, asOf, excludeIds, limit) {
      if (limit <= 0) return [];
      return store.guard('finding events', () => {
        // At most excludeIds.size rows are skipped, so this many always fills the page.
        const rows = store.statement(FIND).all(name, key, asOf, limit + excludeIds.size) as EventRow[];
        return rows.filter((r) => !excludeIds.has(r.id)).slice(0, limit).map(toEvent);
      });
    },
    async subscribe(s) {
      store.guard('subscribing', () =>
        store.statement(SUBSCRIBE).run({ instanceId: s.instanceId, pointerId: s.pointerId, name: s.name, key: s.key, asOf: s.asOf }),
      );
    },
    async unsubscribe(instanceId, pointerId) {
      store.guard('unsubscribing', () => store.statement(UNSUBSCRIBE).run(instanceId, pointerId));
    },
    async subscribers(name, key) {
      return store.guard('listing subscribers', () =>
        (store.statement(SUBSCRIBERS).all(name, key) as SubRow[]).map(
          (r): Subscription => ({ instanceId: r.instance_id, pointerId: r.pointer_id, name: r.name, key: r.key, asOf: r.as_of }),
        ),
      );
    },
    async claimActivity(activityName, workerId, now, ttlMs) {
      return store.guard(`claiming activity "${activityName}"`, () => {
        const token = newToken();
        const expiresAt = now + ttlMs;
        const row = store.statement(CLAIM_ACTIVITY).get({ token, worker: workerId, expires: expiresAt, name: ACTIVITY + activityName, now }) as
          | { instance_id: string; pointer_id: number }
          | undefined;
        if (!row) return undefined;
        return { token, instanceId: row.instance_id, pointerId: row.pointer_id, activityName, workerId, expiresAt };
      });
    },
    async activityByToken(token) {
      return store.guard('reading an activity claim', () => {
        const r = store.statement(BY_TOKEN).get(token) as
          | { instance_id: string; pointer_id: number; name: string; claim_worker: string; claim_expires: number }
          | undefined;
        if (!r) return undefined;
        const claim: ActivityClaim = {
          token,
          instanceId: r.instance_id,
          pointerId: r.pointer_id,
          activityName: r.name.slice(ACTIVITY.length),
          workerId: r.claim_worker,
          expiresAt: r.claim_expires,
        };
        return claim;
      });
    },
    async releaseActivity(token) {
      return store.guard('releasing an activity claim', () => store.statement(RELEASE).run(token).changes > 0);
    },
    async removeInstances(instanceIds) {
      if (instanceIds.length > 0) store.guard('removing instances', () => removeAll.immediate(instanceIds));
    },
    async close() {
      if (closed) return;
      closed = true;
      onClose?.();
    },
  };
}
