import { describe, expect, it } from 'vitest';
import type { EventLog } from '../../ports/event-log.js';
import type { LockProvider } from '../../ports/lock.js';
import { type PortFactory, usePort } from './harness.js';
import { request } from './fixtures.js';

/** A log that checks fences against a lock provider: the lock key of a stream is its stream id. */
export interface FencedLog {
  readonly log: EventLog;
  readonly lock: LockProvider;
}

/**
 * Fencing: an append carrying `fence` is stored only while `fence.token` is the latest token issued
 * for the stream's lock key to `fence.owner` (and that lease was not released). For logs that check
 * ownership (a log and a lock in one store); appends without `fence` are never checked.
 */
export function fencedLogConformance(name: string, factory: PortFactory<FencedLog>): void {
  describe(`${name}: fenced append conformance`, () => {
    const h = usePort(factory);

    it('stores an append fenced by the current lease', async () => {
      const lease = await h.port.lock.acquire('s', 'w1', 1000);
      const [out] = await h.port.log.appendBatch([{ ...request('s', 0, 1, 0), fence: { owner: 'w1', token: lease!.token } }]);
      expect(out?.ok).toBe(true);
    });

    it('refuses an append fenced by a lease another owner has since taken over', async () => {
      const old = (await h.port.lock.acquire('s', 'w1', 1000))!;
      h.clock.advance(1000);
      const next = (await h.port.lock.acquire('s', 'w2', 1000))!;
      const outs = await h.port.log.appendBatch([
        { ...request('s', 0, 1, 0), fence: { owner: 'w1', token: old.token } },
        { ...request('other', 0, 1, 0) },
      ]);
      expect(outs[0]).toMatchObject({ ok: false, streamId: 's', reason: 'fenced' });
      expect(typeof (outs[0] as { detail?: unknown }).detail).toBe('string');
      expect(outs[1]?.ok).toBe(true);
      expect(await h.port.log.streamVersion('s')).toBe(0);
      const [mine] = await h.port.log.appendBatch([{ ...request('s', 0, 1, 0), fence: { owner: 'w2', token: next.token } }]);
      expect(mine?.ok).toBe(true);
    });

    it('refuses the fence of an earlier lease of the same owner', async () => {
      const old = (await h.port.lock.acquire('s', 'w1', 1000))!;
      h.clock.advance(1000);
      const again = (await h.port.lock.acquire('s', 'w1', 1000))!;
      const [out] = await h.port.log.appendBatch([{ ...request('s', 0, 1, 0), fence: { owner: 'w1', token: old.token } }]);
      expect(out).toMatchObject({ ok: false, reason: 'fenced' });
      const [ok] = await h.port.log.appendBatch([{ ...request('s', 0, 1, 0), fence: { owner: 'w1', token: again.token } }]);
      expect(ok?.ok).toBe(true);
    });

    it('refuses a fence whose lease was released, or that was never issued', async () => {
      const lease = (await h.port.lock.acquire('s', 'w1', 1000))!;
      await h.port.lock.release(lease);
      const [released] = await h.port.log.appendBatch([{ ...request('s', 0, 1, 0), fence: { owner: 'w1', token: lease.token } }]);
      expect(released).toMatchObject({ ok: false, reason: 'fenced' });
      const [unknown] = await h.port.log.appendBatch([{ ...request('u', 0, 1, 0), fence: { owner: 'w1', token: 1 } }]);
      expect(unknown).toMatchObject({ ok: false, reason: 'fenced' });
      const [wrongOwner] = await h.port.log.appendBatch([{ ...request('s', 0, 1, 0), fence: { owner: 'w9', token: lease.token } }]);
      expect(wrongOwner).toMatchObject({ ok: false, reason: 'fenced' });
    });

    it('checks the fence before the version', async () => {
      const old = (await h.port.lock.acquire('s', 'w1', 10))!;
      h.clock.advance(10);
      await h.port.lock.acquire('s', 'w2', 10);
      const [out] = await h.port.log.appendBatch([{ ...request('s', 5, 1, 0), fence: { owner: 'w1', token: old.token } }]);
      expect(out).toMatchObject({ ok: false, reason: 'fenced' });
    });
  });
}
