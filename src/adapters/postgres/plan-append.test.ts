import { describe, expect, it } from 'vitest';
import { isWfeError } from '../../domain/errors.js';
import type { WorkflowEvent } from '../../domain/events.js';
import type { AppendRequest } from '../../ports/event-log.js';
import { chainHash, GENESIS_HASH } from '../shared/hash-chain.js';
import { assertJson, planAppend, type FenceRow, type StreamHead } from './plan-append.js';

const T = 1_704_067_200_000;
const step = (n: number): WorkflowEvent => ({ type: 'StepStarted', v: 1, at: T + n, pointerId: n, attempt: 1 });
const req = (streamId: string, expectedVersion: number, count: number, extra: Partial<AppendRequest> = {}): AppendRequest => ({
  streamId,
  expectedVersion,
  events: Array.from({ length: count }, (_, i) => step(expectedVersion + i)),
  ...extra,
});
const plan = (
  requests: AppendRequest[],
  heads: Record<string, StreamHead> = {},
  fences: Record<string, FenceRow> = {},
  earlier?: Map<number, string>,
) =>
  planAppend({
    requests,
    heads: new Map(Object.entries(heads)),
    fences: new Map(Object.entries(fences)),
    fenceKey: (id) => `lock/${id}`,
    recordedAt: T,
    ...(earlier ? { earlier } : {}),
  });

describe('planAppend', () => {
  it('chains a new stream from the genesis hash with versions 1..n', () => {
    const p = plan([req('s', 0, 2)]);
    expect(p.outcomes).toEqual([undefined]);
    expect(p.rows.versions).toEqual([1, 2]);
    const h1 = chainHash(GENESIS_HASH, { streamId: 's', version: 1, recordedAt: T, event: step(0), meta: {} });
    expect(p.rows.hashes[0]).toBe(h1);
    expect(p.rows.hashes[1]).toBe(chainHash(h1, { streamId: 's', version: 2, recordedAt: T, event: step(1), meta: {} }));
    expect(p.lastHashes.get(0)).toBe(p.rows.hashes[1]);
  });

  it('chains onto the head it was given and reports a conflict with the actual version', () => {
    const p = plan([req('s', 3, 1), req('t', 1, 1)], { s: { version: 3, hash: 'h3', position: 9 }, t: { version: 2, hash: 'x', position: 10 } });
    expect(p.rows.hashes[0]).toBe(chainHash('h3', { streamId: 's', version: 4, recordedAt: T, event: step(3), meta: {} }));
    expect(p.outcomes[1]).toEqual({ ok: false, streamId: 't', reason: 'conflict', actualVersion: 2 });
  });

  it('orders requests on one stream within the batch', () => {
    const p = plan([req('s', 0, 2), req('s', 2, 1), req('s', 2, 1)]);
    expect(p.rows.versions).toEqual([1, 2, 3]);
    expect(p.outcomes[2]).toEqual({ ok: false, streamId: 's', reason: 'conflict', actualVersion: 3 });
  });

  it('checks the fence of the stream lease key before the version', () => {
    const fence = { owner: 'w1', token: 4 };
    const heads = { s: { version: 1, hash: 'h', position: 1 } };
    expect(plan([req('s', 0, 1, { fence })], heads, { 'lock/s': { owner: 'w2', token: 5 } }).outcomes[0]).toMatchObject({ reason: 'fenced' });
    expect(plan([req('s', 0, 1, { fence })], heads, { 'lock/s': { owner: null, token: 4 } }).outcomes[0]).toMatchObject({ reason: 'fenced' });
    expect(plan([req('s', 0, 1, { fence })], heads).outcomes[0]).toMatchObject({ reason: 'fenced', detail: expect.stringContaining('no lease') });
    expect(plan([req('s', 1, 1, { fence })], heads, { 'lock/s': { owner: 'w1', token: 4 } }).outcomes[0]).toBeUndefined();
  });

  it('marks a request that an earlier attempt may have committed for checking, not as a plain conflict', () => {
    const p = plan([req('s', 0, 2), req('t', 0, 1)], { s: { version: 2, hash: 'h2', position: 5 }, t: { version: 1, hash: 'o', position: 6 } }, {}, new Map([[0, 'h2']]));
    expect(p.maybeLanded).toEqual([0]);
    expect(p.outcomes[1]).toMatchObject({ reason: 'conflict' });
  });

  it('answers an empty request with the head', () => {
    expect(plan([req('s', 2, 0)], { s: { version: 2, hash: 'h', position: 7 } }).outcomes[0]).toEqual({
      ok: true,
      streamId: 's',
      nextVersion: 2,
      lastPosition: '00000000000000000007',
      lastHash: 'h',
      inlineWritten: true,
    });
  });

  it('lists the requests that succeed, and leaves an empty request after a pending one to be answered after the insert', () => {
    const p = plan([req('s', 0, 1), req('t', 5, 1), req('s', 1, 0)]);
    expect(p.succeeded).toEqual([0, 2]);
    expect(p.outcomes[2]).toBeUndefined();
    expect(p.lastHashes.get(2)).toBe(p.lastHashes.get(0));
  });

  it('refuses events and meta that are not JSON', () => {
    const bad = { ...step(1), when: new Date(T) } as unknown as WorkflowEvent;
    expect(() => assertJson([{ streamId: 's', expectedVersion: 0, events: [bad] }])).toThrow(/not JSON/);
    try {
      assertJson([{ streamId: 's', expectedVersion: 0, events: [step(1)], meta: { actor: new Map() as never } }]);
      expect.unreachable();
    } catch (e) {
      expect(isWfeError(e, 'NOT_SERIALISABLE')).toBe(true);
    }
  });
});
