/**
 * The read side from the command line, as an operator uses it: `wfe search` finds instances by
 * status, date range, data field and text on SQLite and on PostgreSQL; `wfe projections verify`
 * finds a hand-edited or deleted index row (exit 1, naming it) and `rebuild` repairs it.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresPersistence } from '../../src/adapters/postgres/index.js';
import { workflow } from '../../src/domain/builder.js';
import { WorkflowHost } from '../../src/runtime/host.js';
import { createTestDatabase, describeWith } from '../setup/integration.js';
import { fixture, instanceId, runCli, tempDir } from './cli-process.js';

const T = 60_000;
const tmp = tempDir();
afterAll(() => tmp.remove());

async function runs(db: string): Promise<{ small: string; big: string; failed: string }> {
  const small = instanceId((await runCli(['run', fixture('needs-input.yaml'), '--db', db, '--input', '{"env":"staging","replicas":1}'])).stdout);
  const big = instanceId((await runCli(['run', fixture('needs-input.yaml'), '--db', db, '--input', '{"env":"production","replicas":5}'])).stdout);
  const failed = instanceId((await runCli(['run', fixture('failing.yaml'), '--db', db])).stdout);
  return { small, big, failed };
}

const ids = (stdout: string) => (JSON.parse(stdout) as { items: { instanceId: string }[] }).items.map((i) => i.instanceId).sort();

describe('wfe search and wfe projections on SQLite', () => {
  const db = join(tmp.dir, 'runs.db');
  let r: Awaited<ReturnType<typeof runs>>;

  it('search finds instances by status, date range, data field and text', async () => {
    r = await runs(db);
    expect(ids((await runCli(['search', '--db', db, '--status', 'complete', '--json'])).stdout)).toEqual([r.small, r.big].sort());
    expect(ids((await runCli(['search', '--db', db, '--status', 'failed', '--json'])).stdout)).toEqual([r.failed]);
    expect(ids((await runCli(['search', '--db', db, '--where', 'replicas>=3', '--json'])).stdout)).toEqual([r.big]);
    expect(ids((await runCli(['search', '--db', db, '--where', 'env=staging', '--json'])).stdout)).toEqual([r.small]);
    expect(ids((await runCli(['search', 'production', '--db', db, '--json'])).stdout)).toEqual([r.big]);
    expect(ids((await runCli(['search', '--db', db, '--since', '1h', '--json'])).stdout)).toHaveLength(3);
    expect(ids((await runCli(['search', '--db', db, '--until', '2000-01-01', '--json'])).stdout)).toEqual([]);
    const table = await runCli(['search', '--db', db, '--status', 'failed']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(r.failed);
    expect(table.stdout).toMatch(/1 instance\(s\)/);
  }, T);

  it('a malformed search is a usage error naming the bad part', async () => {
    const bad = await runCli(['search', '--db', db, '--status', 'sleeping']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--status sleeping: expected one of runnable, suspended, complete, terminated, failed/);
    const where = await runCli(['search', '--db', db, '--where', 'no operator']);
    expect(where.code).toBe(2);
    expect(where.stderr).toMatch(/--where "no operator": expected PATH=VALUE/);
    const since = await runCli(['search', '--db', db, '--since', 'yesterday-ish']);
    expect(since.code).toBe(2);
    expect(since.stderr).toMatch(/--since "yesterday-ish": expected an ISO date/);
  }, T);

  it('projections verify names a hand-edited and a deleted index row (exit 1); rebuild repairs them', async () => {
    const clean = await runCli(['projections', 'verify', 'instances', '--db', db]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^ok: instances: \d+ documents match the log$/m);
    const sqlite = new Database(db);
    expect(sqlite.prepare(`UPDATE instances SET status = 'complete' WHERE instance_id = ?`).run(r.failed).changes).toBe(1);
    expect(sqlite.prepare('DELETE FROM instances WHERE instance_id = ?').run(r.small).changes).toBe(1);
    sqlite.close();
    const drifted = await runCli(['projections', 'verify', 'instances', '--db', db]);
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toContain(`drifted: instances ${r.failed}: differs from the log (status: "complete", log says "failed")`);
    expect(drifted.stdout).toContain(`drifted: instances ${r.small}: missing (the log has it)`);
    const rebuilt = await runCli(['projections', 'rebuild', 'instances', '--db', db]);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toMatch(/rebuilt instances: \d+ documents checked, 2 repaired/);
    expect((await runCli(['projections', 'verify', '--db', db])).code).toBe(0);
    const list = await runCli(['projections', 'list', '--db', db, '--json']);
    expect((JSON.parse(list.stdout) as { name: string }[]).map((p) => p.name)).toEqual(['instances', 'step-rows', 'counters', 'snapshots']);
  }, T);
});

describeWith('postgres', 'wfe search and wfe projections on PostgreSQL', (adminUrl) => {
  it('search by status, date range and data field; verify and rebuild', async () => {
    const url = await createTestDatabase(adminUrl, 'cli_read_side');
    const persistence = await createPostgresPersistence({ connectionString: url });
    const host = new WorkflowHost({ persistence, asyncProjections: true });
    const order = workflow<{ tier: string; total: number; fail?: boolean }>('order', 1)
      .startWith((ctx) => { if (ctx.data.fail) throw new Error('declined'); }, 'charge')
      .onError('suspend')
      .build();
    host.registerWorkflow(order);
    await host.start();
    let gold: string, silver: string, declined: string;
    try {
      gold = await host.startWorkflow(order, { data: { tier: 'gold', total: 700 } });
      silver = await host.startWorkflow(order, { data: { tier: 'silver', total: 20 } });
      declined = await host.startWorkflow(order, { data: { tier: 'gold', total: 5, fail: true } });
      await host.waitForCompletion(gold);
      await host.waitForCompletion(silver);
      await host.waitForCompletion(declined, { until: 'settled' });
      await host.projectionsCaughtUp();
    } finally {
      await host.stop();
      await persistence.close();
    }
    expect(ids((await runCli(['search', '--db', url, '--status', 'suspended', '--json'])).stdout)).toEqual([declined]);
    expect(ids((await runCli(['search', '--db', url, '--where', 'tier=gold', '--where', 'total>100', '--json'])).stdout)).toEqual([gold]);
    expect(ids((await runCli(['search', '--db', url, '--since', '1h', '--status', 'complete', '--json'])).stdout)).toEqual([gold, silver].sort());
    expect((await runCli(['projections', 'verify', '--db', url])).code).toBe(0);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const schema = (await c.query<{ table_schema: string }>(`SELECT table_schema FROM information_schema.tables WHERE table_name = 'instances' LIMIT 1`)).rows[0]!.table_schema;
      await c.query(`UPDATE "${schema}".instances SET status = 'runnable' WHERE instance_id = $1`, [gold]);
    } finally {
      await c.end();
    }
    const drifted = await runCli(['projections', 'verify', 'instances', '--db', url]);
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toContain(`drifted: instances ${gold}: differs from the log`);
    expect((await runCli(['projections', 'rebuild', 'instances', '--db', url])).code).toBe(0);
    expect((await runCli(['projections', 'verify', '--db', url])).code).toBe(0);
  }, T);
});
