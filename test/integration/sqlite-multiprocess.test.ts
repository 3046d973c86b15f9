import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkflowEvent } from '../../src/domain/events.js';
import { verifyChain } from '../../src/adapters/shared/hash-chain.js';
import { createSqlitePersistence, type SqlitePersistence } from '../../src/adapters/sqlite/index.js';
import { comparePositions } from '../../src/log/position.js';

const WORKER = fileURLToPath(new URL('./sqlite-append-worker.ts', import.meta.url));
const step = (pointerId: number): WorkflowEvent => ({ type: 'StepStarted', v: 1, at: 0, pointerId, attempt: 1 });

/** Waits for the child's next message of `kind`; rejects on an error message or an exit. */
function next<T>(child: ChildProcess, kind: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { kind: string; message?: string }) => {
      if (m.kind === 'error') done(() => reject(new Error(m.message)));
      else if (m.kind === kind) done(() => resolve(m as T));
    };
    const onExit = (code: number | null) => done(() => reject(new Error(`worker exited (${code})`)));
    const done = (then: () => void) => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      then();
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

describe('sqlite shared by two processes', () => {
  let dir: string;
  let file: string;
  let child: ChildProcess;
  let mine: SqlitePersistence;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wfe-sqlite-mp-'));
    file = join(dir, 'shared.db');
    mine = createSqlitePersistence({ path: file });
    child = fork(WORKER, [file, 'child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await next(child, 'ready');
  });

  afterEach(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ kind: 'stop' });
      await exited;
    }
    await mine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("detects a conflict with the other process's append", async () => {
    const seen = await mine.log.streamVersion('x');
    child.send({ kind: 'append-once', streamId: 'x' });
    const { out } = await next<{ out: { ok: boolean } }>(child, 'appended');
    expect(out.ok).toBe(true);
    const [mineOut] = await mine.log.appendBatch([{ streamId: 'x', expectedVersion: seen, events: [step(9)] }]);
    expect(mineOut).toEqual({ ok: false, streamId: 'x', reason: 'conflict', actualVersion: 1 });
    const [retry] = await mine.log.appendBatch([{ streamId: 'x', expectedVersion: 1, events: [step(9)] }]);
    expect(retry).toMatchObject({ ok: true, nextVersion: 2 });
    expect(verifyChain(await mine.log.read('x'))).toBeUndefined();
  });

  it('loses no event when both processes append to the same streams at once', async () => {
    const streams = ['a', 'b', 'c', 'd'];
    const rounds = 40;
    const childRacing = next(child, 'racing');
    const childDone = next<{ appended: number; conflicts: number }>(child, 'raced');
    child.send({ kind: 'race', streams, rounds });
    await childRacing;
    let appended = 0;
    let conflicts = 0;
    for (let round = 0; round < rounds; round++) {
      let pending = [...streams];
      while (pending.length > 0) {
        const versions = await Promise.all(pending.map((s) => mine.log.streamVersion(s)));
        const outs = await mine.log.appendBatch(
          pending.map((streamId, i) => ({ streamId, expectedVersion: versions[i]!, events: [step(round)], meta: { actor: 'parent' } })),
        );
        appended += outs.filter((o) => o.ok).length;
        conflicts += outs.filter((o) => !o.ok).length;
        pending = outs.filter((o) => !o.ok).map((o) => o.streamId);
      }
      // A breath between rounds (as the worker does), so the two processes' writes interleave.
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const theirs = await childDone;
    expect(appended).toBe(streams.length * rounds);
    expect(theirs.appended).toBe(streams.length * rounds);
    for (const s of streams) {
      const events = await mine.log.read(s);
      expect(events.map((e) => e.version)).toEqual(Array.from({ length: 2 * rounds }, (_, i) => i + 1));
      expect(events.filter((e) => e.meta.actor === 'parent')).toHaveLength(rounds);
      expect(events.filter((e) => e.meta.actor === 'child')).toHaveLength(rounds);
      expect(verifyChain(events)).toBeUndefined();
    }
    const all = await mine.log.readAll(undefined, 10_000);
    expect(all).toHaveLength(2 * streams.length * rounds);
    for (let i = 1; i < all.length; i++) expect(comparePositions(all[i]!.position, all[i - 1]!.position)).toBeGreaterThan(0);
    // The two really raced: some appends lost the race, were refused, and were retried to success.
    expect(conflicts + theirs.conflicts).toBeGreaterThan(0);
  });
});
