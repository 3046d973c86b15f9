import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqlitePersistence } from '../../src/adapters/sqlite/index.js';
import { createMemoryPersistence } from '../../src/adapters/memory/index.js';
import { workflow } from '../../src/domain/builder.js';
import type { Persistence } from '../../src/ports/persistence.js';
import { WorkflowHost } from '../../src/runtime/host.js';

let host: WorkflowHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

/** Memory stores whose queue claims fail while `failing` is set (a disk that refuses writes). */
function flakyQueue(): { persistence: Persistence; failing: { on: boolean }; claims: { n: number } } {
  const base = createMemoryPersistence();
  const failing = { on: true };
  const claims = { n: 0 };
  const queue = {
    ...base.queue,
    claim: async (...args: Parameters<Persistence['queue']['claim']>) => {
      claims.n++;
      if (failing.on) throw Object.assign(new Error('SQLITE_IOERR: disk I/O error'), { code: 'SQLITE_IOERR' });
      return base.queue.claim(...args);
    },
  };
  return { persistence: { ...base, queue }, failing, claims };
}

describe('a host whose store fails', () => {
  it('backs off exponentially with one report per back-off run, and recovers as soon as the store works', async () => {
    const { persistence, failing, claims } = flakyQueue();
    host = new WorkflowHost({ persistence, pollInterval: 20, asyncProjections: false });
    host.registerWorkflow(workflow<{ done?: boolean }>('w').startWith((ctx) => { ctx.data.done = true; }).build());
    const errors: { repeated?: boolean; retryInMs?: number }[] = [];
    const recovered: string[] = [];
    host.on('host:error', (e) => errors.push({ ...(e.repeated ? { repeated: true } : {}), ...(e.retryInMs !== undefined ? { retryInMs: e.retryInMs } : {}) }));
    host.on('host:recovered', (e) => recovered.push(e.where));
    await host.start();
    await new Promise((r) => setTimeout(r, 1000));
    // Without back-off this loop claimed thousands of times a second; with it: 20, 40, 80, ... ms.
    expect(claims.n).toBeGreaterThan(2);
    expect(claims.n).toBeLessThan(15);
    expect(errors.filter((e) => !e.repeated)).toHaveLength(1);
    const delays = errors.map((e) => e.retryInMs ?? 0);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    failing.on = false;
    const started = Date.now();
    const id = await host.startWorkflow('w'); // the start goes through and wakes the loop
    const state = await host.waitForCompletion(id, { timeoutMs: 5000 });
    expect(state.status).toBe('complete');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(recovered).toEqual(['claim']);
  });
});

describe('a host whose SQLite file refuses writes', () => {
  const immutable = (paths: string[], on: boolean) => spawnSync('chattr', [on ? '+i' : '-i', ...paths.filter((p) => existsSync(p))]);

  it('backs off instead of spinning, and recovers when the file is writable again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wfe-readonly-'));
    const path = join(dir, 'wfe.db');
    // The -shm file stays writable: SQLite maps it into memory, and a write to an immutable mapping is a SIGBUS.
    const files = [path, `${path}-wal`];
    const persistence = createSqlitePersistence({ path });
    try {
      host = new WorkflowHost({ persistence, pollInterval: 20, asyncProjections: false });
      host.registerWorkflow(workflow<{ done?: boolean }>('w').startWith((ctx) => { ctx.data.done = true; }).build());
      const claims: boolean[] = [];
      host.on('host:error', (e) => e.where === 'claim' && claims.push(e.repeated === true));
      await host.start();
      // Work that falls due once the file refuses writes, so that every claim has to write.
      await persistence.queue.enqueue(['a', 'b', 'c'].map((instanceId) => ({ instanceId, dueAt: Date.now() + 200 })));
      if (immutable(files, true).status !== 0) {
        console.warn('[wfe] skipping the read-only file case: chattr +i is not available here');
        return;
      }
      try {
        await new Promise((r) => setTimeout(r, 1200));
      } finally {
        immutable(files, false);
      }
      expect(claims.length).toBeGreaterThan(1);
      expect(claims.length).toBeLessThan(15);
      expect(claims.filter((repeated) => !repeated)).toHaveLength(1);
      const id = await host.startWorkflow('w');
      expect((await host.waitForCompletion(id, { timeoutMs: 10_000 })).status).toBe('complete');
    } finally {
      immutable(files, false);
      await host?.stop();
      host = undefined;
      await persistence.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
