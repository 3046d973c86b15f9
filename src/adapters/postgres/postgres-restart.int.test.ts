import { afterAll, beforeAll, expect, it } from 'vitest';
import { isWfeError } from '../../domain/errors.js';
import type { WorkflowEvent } from '../../domain/events.js';
import type { AppendOutcome, AppendRequest } from '../../ports/event-log.js';
import { verifyChain } from '../shared/hash-chain.js';
import { describeWith } from '../../../test/setup/integration.js';
import { startPostgres, type RunningPostgres } from '../../../test/setup/servers.js';
import { createPostgresPersistence, type PostgresPersistence } from './index.js';

const T = 1_704_067_200_000;
const step = (n: number): WorkflowEvent => ({ type: 'StepStarted', v: 1, at: T + n, pointerId: n, attempt: 1 });
const batch = (b: number): AppendRequest[] =>
  Array.from({ length: 5 }, (_, i) => ({ streamId: `b${b}-s${i}`, expectedVersion: 0, events: [step(1), step(2), step(3)] }));

// A server of its own (durable, so an acknowledged commit survives the crash) that this file
// crashes and restarts while a host keeps appending.
describeWith('postgres', 'PostgreSQL going away mid-run and coming back', () => {
  let server: RunningPostgres;
  let p: PostgresPersistence;
  beforeAll(async () => {
    server = await startPostgres({ durable: true });
    p = await createPostgresPersistence({
      connectionString: server.url,
      poolConfig: { max: 2, connectionTimeoutMillis: 2000 },
      appendRetry: { attempts: 3, baseDelayMs: 20 },
    });
  });
  afterAll(async () => {
    await p?.close().catch(() => {});
    await server?.stop();
  });

  it('fails appends cleanly while the server is down, recovers after, and never half-writes a batch', async () => {
    const results = new Map<number, AppendOutcome[] | Error>();
    let b = 0;
    let running = true;
    const writer = (async () => {
      while (running) {
        const n = b++;
        results.set(n, await p.log.appendBatch(batch(n)).catch((e: unknown) => e as Error));
      }
    })();
    const until = async (pred: () => boolean): Promise<void> => {
      for (let i = 0; i < 2000 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
    };
    await until(() => results.size >= 20);
    await server.kill();
    await until(() => [...results.values()].some((r) => r instanceof Error));
    const failedWhileDown = [...results.values()].filter((r) => r instanceof Error);
    expect(failedWhileDown.length).toBeGreaterThan(0);
    expect(failedWhileDown.every((e) => isWfeError(e, 'STORE_UNAVAILABLE'))).toBe(true);
    expect(failedWhileDown.every((e) => !(e as Error).message.includes(server.password))).toBe(true);
    await server.restart();
    const afterRestart = b;
    await until(() => b >= afterRestart + 20);
    running = false;
    await writer;

    const okBatches = [...results].filter(([, r]) => Array.isArray(r) && r.every((o) => o.ok)).map(([n]) => n);
    expect(okBatches.filter((n) => n > afterRestart).length).toBeGreaterThanOrEqual(15);
    const all = await p.log.readAll(undefined, 1_000_000);
    const byBatch = new Map<number, number>();
    for (const e of all) {
      const n = Number(/^b(\d+)-/.exec(e.streamId)![1]);
      byBatch.set(n, (byBatch.get(n) ?? 0) + 1);
    }
    // Every batch is all there (15 events) or not at all; every acknowledged one is there.
    for (const count of byBatch.values()) expect(count).toBe(15);
    for (const n of okBatches) expect(byBatch.get(n)).toBe(15);
    expect(new Set(all.map((e) => `${e.streamId}@${e.version}`)).size).toBe(all.length);
    for (const s of ['b0-s0', `b${okBatches[okBatches.length - 1]}-s4`]) expect(verifyChain(await p.log.read(s))).toBeUndefined();
  });
});
