import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/adapters/shared/hash-chain.js';
import { WorkflowHost } from '../../src/runtime/host.js';
import { crashWorkflow, type CrashData } from './crash-workflow.js';

const dir = mkdtempSync(join(tmpdir(), 'wfe-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crash safety on embedded SQLite', () => {
  it('a host killed with SIGKILL mid-run loses nothing: a new host completes every instance, no completion recorded twice', async () => {
    const db = join(dir, 'wfe.db');
    const effects = join(dir, 'effects.log');
    const count = 40;
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'crash-child.ts'), db, effects, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const durable: { id: string; version: number }[] = [];
    let appended = 0;
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          const [word, id, version] = line.split(' ');
          if (word === 'appended') {
            durable.push({ id: id!, version: Number(version) });
            // Kill once a good part of the work is done, while steps are running.
            if (++appended === 150) {
              child.kill('SIGKILL');
            }
          }
        }
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
      // Never leave the child behind, whatever happens.
      setTimeout(() => child.kill('SIGKILL'), 45_000).unref();
    });
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    expect(appended).toBeGreaterThanOrEqual(150);

    const host = new WorkflowHost({ sqlitePath: db, leaseMs: 300, pollInterval: 20, hostId: 'survivor' });
    host.registerWorkflow(crashWorkflow(effects));
    await host.start();
    let handedOver = 0;
    try {
      for (let i = 0; i < count; i++) {
        const id = `order-${i}`;
        let state;
        try {
          state = await host.waitForCompletion(id, { timeoutMs: 30_000 });
        } catch (e) {
          // Started after the kill point: never reached the log; start it now.
          if ((e as { code?: string }).code !== 'UNKNOWN_INSTANCE') throw e;
          await host.startWorkflow('crashy', { instanceId: id, data: { n: i, items: [1, 2, 3], done: [] } });
          state = await host.waitForCompletion(id, { timeoutMs: 30_000 });
        }
        expect(state.status).toBe('complete');
        expect([...(state.data as CrashData).done].sort()).toEqual(['first', 'item', 'item', 'item', 'last', 'left', 'left-2', 'right'].sort());
        const history = await host.history(id);
        expect(verifyChain(history)).toBeUndefined();
        const completions = history.filter((e) => e.event.type === 'StepCompleted').map((e) => (e.event as { pointerId: number }).pointerId);
        expect(new Set(completions).size).toBe(completions.length);
        const actors = new Set(history.map((e) => e.meta.actor));
        if (actors.has('doomed') && actors.has('survivor')) handedOver++;
      }
      // The kill really came mid-run: some instances were begun by the killed host and finished by the new one.
      expect(handedOver).toBeGreaterThan(0);
      // Every event the killed host reported durable is still in the log.
      for (const { id, version } of durable) expect((await host.history(id)).length).toBeGreaterThanOrEqual(version);
      // Steps ran at least once; re-executions after the crash reuse the same idempotency key.
      const lines = readFileSync(effects, 'utf8').trim().split('\n');
      const keys = lines.map((l) => l.split(' ')[0]);
      expect(keys.length).toBeGreaterThanOrEqual(count * 8);
      expect(keys.length - new Set(keys).size).toBeLessThan(count * 8);
    } finally {
      await host.stop();
    }
  }, 60_000);
});
