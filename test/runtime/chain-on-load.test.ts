import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqlitePersistence } from '../../src/adapters/sqlite/index.js';
import { workflow } from '../../src/domain/builder.js';
import { isWfeError } from '../../src/domain/errors.js';
import { Result } from '../../src/domain/step-api.js';
import { WorkflowHost } from '../../src/runtime/host.js';
import { tempDir } from '../cli/cli-process.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

const wf = workflow<{ amount: number }>('wait').startWith((ctx) => (ctx.event ? undefined : Result.waitForEvent('go', 'k')), 'wait').build();

describe('the chain is checked on load', () => {
  it('an instance whose stored event was edited is not loaded: CORRUPT_LOG naming it and the version', async () => {
    const path = join(tmp.dir, 'load.db');
    const store = createSqlitePersistence({ path });
    const first = new WorkflowHost({ persistence: store, pollInterval: 20 });
    first.registerWorkflow(wf);
    await first.start();
    const id = await first.startWorkflow('wait', { data: { amount: 5 } });
    await first.drain();
    await first.stop();
    await store.close();

    const db = new Database(path);
    db.exec('DROP TRIGGER events_no_update');
    db.prepare(`UPDATE events SET body = replace(body, '"amount":5', '"amount":500') WHERE stream_id = ? AND version = 1`).run(id);
    db.close();

    const persistence = createSqlitePersistence({ path });
    const second = new WorkflowHost({ persistence, pollInterval: 20 });
    second.registerWorkflow(wf);
    await second.start();
    try {
      const error = await second.getWorkflow(id).catch((e: unknown) => e);
      expect(isWfeError(error, 'CORRUPT_LOG')).toBe(true);
      expect((error as Error).message).toMatch(new RegExp(`^instance ${id} has a broken log at version 1: hash mismatch`));
      expect((error as { details: unknown }).details).toEqual({ instanceId: id, version: 1 });
    } finally {
      await second.stop();
      await persistence.close();
    }
  });
});
