import { randomUUID } from 'node:crypto';
import type { ActivityClaim, ExternalEvent, ExternalEventStore, Subscription } from '../../ports/external-events.js';
import { jsonCopy } from './assert-appendable.js';

export interface MemoryExternalEventStoreOptions {
  /** Makes activity claim tokens. Default `crypto.randomUUID`. */
  readonly newToken?: () => string;
}

interface Wait {
  sub: Subscription;
  seq: number;
  claim?: ActivityClaim;
}

const ACTIVITY = 'activity:';
const subKey = (instanceId: string, pointerId: number) => `${instanceId}\u0000${pointerId}`;

/** In-process published events and waits, with activity claims. */
export function createMemoryExternalEventStore(options: MemoryExternalEventStoreOptions = {}): ExternalEventStore {
  const newToken = options.newToken ?? randomUUID;
  const events: ExternalEvent[] = [];
  const ids = new Set<string>();
  const waits = new Map<string, Wait>();
  let seq = 0;
  const sorted = () => [...waits.values()].sort((a, b) => a.seq - b.seq);

  return {
    async publish(event) {
      if (ids.has(event.id)) return;
      ids.add(event.id);
      events.push(jsonCopy(event));
    },
    async find(name, key, asOf, excludeIds, limit) {
      const found = events
        .map((e, i) => ({ e, i }))
        .filter(({ e }) => e.name === name && e.key === key && e.effectiveAt >= asOf && !excludeIds.has(e.id))
        .sort((a, b) => a.e.effectiveAt - b.e.effectiveAt || a.i - b.i)
        .slice(0, Math.max(0, limit));
      return jsonCopy(found.map(({ e }) => e));
    },
    async subscribe(subscription) {
      const k = subKey(subscription.instanceId, subscription.pointerId);
      const old = waits.get(k);
      const same = old && old.sub.name === subscription.name && old.sub.key === subscription.key;
      const wait: Wait = { sub: jsonCopy(subscription), seq: old?.seq ?? ++seq };
      if (same && old.claim) wait.claim = old.claim;
      waits.set(k, wait);
    },
    async unsubscribe(instanceId, pointerId) {
      waits.delete(subKey(instanceId, pointerId));
    },
    async subscribers(name, key) {
      return sorted()
        .filter((w) => w.sub.name === name && w.sub.key === key)
        .map((w) => jsonCopy(w.sub));
    },
    async claimActivity(activityName, workerId, now, ttlMs) {
      const wait = sorted().find((w) => w.sub.name === ACTIVITY + activityName && (!w.claim || w.claim.expiresAt <= now));
      if (!wait) return undefined;
      const claim: ActivityClaim = {
        token: newToken(),
        instanceId: wait.sub.instanceId,
        pointerId: wait.sub.pointerId,
        activityName,
        workerId,
        expiresAt: now + ttlMs,
      };
      wait.claim = claim;
      return { ...claim };
    },
    async activityByToken(token) {
      for (const w of waits.values()) if (w.claim?.token === token) return { ...w.claim };
      return undefined;
    },
    async releaseActivity(token) {
      for (const w of waits.values()) {
        if (w.claim?.token !== token) continue;
        w.claim = undefined;
        return true;
      }
      return false;
    },
    async removeInstances(instanceIds) {
      const gone = new Set(instanceIds);
      for (const [k, w] of waits) if (gone.has(w.sub.instanceId)) waits.delete(k);
    },
    async close() {},
  };
}
