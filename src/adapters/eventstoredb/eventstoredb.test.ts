import { describe, expect, it } from 'vitest';
import { fakeEventStore } from '../../../test/setup/fake-eventstoredb.js';
import { eventLogConformance } from '../../testing/conformance/event-log-conformance.js';
import { isWfeError, WfeError } from '../../domain/errors.js';
import type { WorkflowEvent } from '../../domain/events.js';
import { comparePositions } from '../../log/position.js';
import type { AppendRequest } from '../../ports/event-log.js';
import { createMemoryPersistence } from '../memory/index.js';
import { chainHash, GENESIS_HASH } from '../shared/hash-chain.js';
import type { RedisLock } from '../redis/redis-lock.js';
import { esdbStreamName, esdbTarget, fromLogPosition, fromRecorded, toEsdbError, toEventData, toLogPosition, wfeStreamId } from './esdb-mapping.js';
import { createEventStoreLog } from './eventstoredb-event-log.js';
import { withEventStoreLog } from './with-eventstore-log.js';

const T0 = 1_704_067_200_000;
const event: WorkflowEvent = { type: 'StepFailed', v: 1, at: T0, pointerId: 2, attempt: 1, error: { type: 'Boom', message: 'x\n"y" é€😀' } };

describe('wfe/eventstoredb: mapping', () => {
  it('stores the domain event as JSON data and the envelope in the metadata, and reads the same StoredEvent back', () => {
    const meta = { actor: 'alice', causationId: 'c1', correlationId: 'k1', reason: 'retry it' };
    const hash = chainHash(GENESIS_HASH, { streamId: 'o-1', version: 1, recordedAt: T0 + 5, event, meta });
    const data = toEventData({ streamId: 'o-1', version: 1, recordedAt: T0 + 5, event, meta, hash }, 'id-1');
    expect(data).toEqual({
      id: 'id-1',
      contentType: 'application/json',
      type: 'StepFailed',
      data: event,
      metadata: { wfe: 1, v: 1, recordedAt: T0 + 5, hash, meta, $correlationId: 'k1', $causationId: 'c1' },
    });
    // What the server gives back after a JSON round trip, at revision 7 (the stream was deleted once before).
    const recorded = { streamId: 'wfe-o-1', revision: 7n, type: data.type, data: JSON.parse(JSON.stringify(data.data)), metadata: JSON.parse(JSON.stringify(data.metadata)), position: { commit: 1234n, prepare: 1200n } };
    expect(fromRecorded('wfe-', recorded)).toEqual({ streamId: 'o-1', version: 1, position: toLogPosition({ commit: 1234n, prepare: 1200n }), recordedAt: T0 + 5, event, meta, hash });
  });

  it('refuses a recorded event without wfe metadata as CORRUPT_LOG naming stream and revision', () => {
    const e = (() => {
      try {
        fromRecorded('wfe-', { streamId: 'wfe-x', revision: 3n, type: 'Other', data: {}, metadata: { foo: 1 }, position: { commit: 1n, prepare: 1n } });
      } catch (x) {
        return x as WfeError;
      }
      throw new Error('expected a throw');
    })();
    expect(isWfeError(e, 'CORRUPT_LOG')).toBe(true);
    expect(e.message).toContain('event 3 of the EventStoreDB stream wfe-x');
  });

  it('encodes $all positions (commit, prepare) as comparable log positions, 64-bit values included', () => {
    const ps = [
      { commit: 0n, prepare: 0n },
      { commit: 10n, prepare: 5n },
      { commit: 10n, prepare: 9n },
      { commit: 11n, prepare: 0n },
      { commit: 2n ** 63n - 1n, prepare: 2n ** 63n - 2n },
    ];
    const encoded = ps.map(toLogPosition);
    for (let i = 1; i < encoded.length; i++) expect(comparePositions(encoded[i - 1], encoded[i])).toBeLessThan(0);
    ps.forEach((p, i) => expect(fromLogPosition(encoded[i]!)).toEqual(p));
    expect(() => fromLogPosition('00000000000000000001' as never)).toThrow('not a paired log position');
  });

  it('maps stream names with the prefix and ignores other streams and system streams', () => {
    expect(esdbStreamName('wfe-', 'order-1')).toBe('wfe-order-1');
    expect(wfeStreamId('wfe-', 'wfe-order-1')).toBe('order-1');
    expect(wfeStreamId('wfe-', 'other-1')).toBeUndefined();
    expect(wfeStreamId('wfe-', '$stats-127.0.0.1:2113')).toBeUndefined();
    expect(wfeStreamId('wfe-', 'wfe-')).toBeUndefined();
  });

  it('maps an unreachable server to STORE_UNAVAILABLE naming the endpoint without credentials; other errors pass', () => {
    const unavailable = Object.assign(new Error('14 UNAVAILABLE: No connection established to esdb://admin:changeit@db:2113'), { type: 'unavailable' });
    const e = toEsdbError(unavailable, 'appending to stream o-1', esdbTarget('esdb://admin:changeit@db:2113?tls=false')) as WfeError;
    expect(isWfeError(e, 'STORE_UNAVAILABLE')).toBe(true);
    expect(e.message).toBe('EventStoreDB at db:2113 is unavailable while appending to stream o-1: 14 UNAVAILABLE: No connection established to esdb://db:2113');
    expect(e.message).not.toContain('changeit');
    const other = Object.assign(new Error('bad'), { type: 'invalid-argument' });
    expect(toEsdbError(other, 'x', 'db:2113')).toBe(other);
    expect(esdbTarget('kurrentdb://localhost:2113?tls=false')).toBe('localhost:2113');
  });

  it('needs a client or a connection string', () => {
    expect(() => createEventStoreLog({})).toThrow('needs a client or a connectionString');
  });
});

describe('withEventStoreLog', () => {
  const req: AppendRequest = { streamId: 's', expectedVersion: 0, events: [{ type: 'WorkflowStarted', v: 1, at: T0, instanceId: 's', definitionId: 'd', definitionVersion: 1, data: null }], fence: { owner: 'h1', token: 1 } };

  it('keeps the base ports and drops fences the base lock cannot check (the expected revision decides)', async () => {
    const base = createMemoryPersistence({ clock: () => T0 });
    const seen: AppendRequest[][] = [];
    const log = { ...base.log, appendBatch: async (r: readonly AppendRequest[]) => (seen.push([...r]), base.log.appendBatch(r)) };
    const p = withEventStoreLog(base, log);
    expect(p.queue).toBe(base.queue);
    expect(p.instances).toBe(base.instances);
    const [out] = await p.log.appendBatch([req]);
    expect(out!.ok).toBe(true);
    expect(seen[0]![0]!.fence).toBeUndefined();
  });

  it('checks fences against a Redis lock before the append', async () => {
    const base = createMemoryPersistence({ clock: () => T0 });
    const lock = { ...base.lock, fenceProblems: async () => ['the lease of s is held by h2'] } as unknown as RedisLock;
    const p = withEventStoreLog({ ...base, lock }, base.log);
    expect(await p.log.appendBatch([req])).toEqual([{ ok: false, streamId: 's', reason: 'fenced', detail: 'the lease of s is held by h2' }]);
    expect(await base.log.streamVersion('s')).toBe(0);
  });
});

// The adapter's logic (expected revisions, $all paging with foreign and system events, soft deletes)
// through a stand-in for the client; the real server runs the same suite when EVENTSTORE_URL is set.
eventLogConformance('eventstoredb (fake client)', async ({ clock }) => {
  const log = createEventStoreLog({ client: fakeEventStore().client, clock: () => clock.now(), readChunk: 3 });
  return { port: log, cleanup: () => log.close() };
});
