/**
 * What one workflow costs the store, counted so that it cannot grow unnoticed (issue 11): a lone
 * 3-step workflow is one commit for its start (event, index row, queue entry claimed by this host,
 * and on stores that keep leases, the lease) and one per step (events, index row; the last one also
 * gives back the claim and the lease). Nothing else commits: no claim, no lease, no release of
 * their own. Every run is checked to have completed with its three steps recorded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresPersistence } from '../../src/adapters/postgres/index.js';
import { createSqlitePersistence } from '../../src/adapters/sqlite/index.js';
import { workflow } from '../../src/domain/builder.js';
import type { Persistence } from '../../src/ports/persistence.js';
import { WorkflowHost } from '../../src/runtime/host.js';
import { findPostgresBinDir, startPostgres, type RunningPostgres } from '../setup/servers.js';
import { installCommitCounter, type CommitCounter } from '../setup/sqlite-commit-counter.js';

const threeStep = workflow<{ n: number }>('three')
  .startWith(() => undefined, 'one')
  .then(() => undefined, 'two')
  .then(() => undefined, 'three')
  .build();

const RUNS = 10;

/** Start and await RUNS workflows one after another; each must complete with its three steps. */
async function runLone(host: WorkflowHost): Promise<void> {
  for (let n = 0; n < RUNS; n++) {
    const id = await host.startWorkflow(threeStep, { data: { n } });
    const state = await host.waitForCompletion(id, { timeoutMs: 10_000 });
    expect(state.status).toBe('complete');
    const completed = (await host.history(id)).filter((e) => e.event.type === 'StepCompleted');
    expect(completed).toHaveLength(3);
  }
}

/** The queue must be empty afterwards: the claims given back inline really were. */
async function expectQueueEmpty(p: Persistence): Promise<void> {
  expect(await p.queue.nextDueAt()).toBeUndefined();
}

describe('commits per workflow on SQLite', () => {
  let dir: string;
  let counter: CommitCounter;
  let host: WorkflowHost | undefined;
  beforeAll(() => {
    counter = installCommitCounter();
  });
  afterAll(() => counter.uninstall());
  afterEach(async () => {
    await host?.stop();
    host = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  for (const lock of ['local', 'shared'] as const) {
    it(`a lone 3-step workflow is 4 commits (lock: ${lock})`, async () => {
      dir = mkdtempSync(join(tmpdir(), 'wfe-commits-'));
      const persistence = createSqlitePersistence({ path: join(dir, 'wfe.db'), lock });
      host = new WorkflowHost({ persistence, asyncProjections: false });
      host.registerWorkflow(threeStep);
      await host.start();
      await runLone(host); // warm: the definition is stored once per host
      counter.reset();
      await runLone(host);
      expect(counter.byCause()).toEqual([['transaction (BEGIN ... COMMIT)', 4 * RUNS]]);
      await expectQueueEmpty(persistence);
    });
  }
});

const bin = findPostgresBinDir();
const onCi = process.env.CI === 'true';
describe.skipIf(!bin && !onCi)(`transactions per workflow on PostgreSQL${bin ? '' : ' (skipped: no PostgreSQL binaries)'}`, () => {
  let server: RunningPostgres;
  let admin: pg.Client;
  let host: WorkflowHost | undefined;
  beforeAll(async () => {
    // A server of its own: the count is of the whole cluster's transactions.
    server = await startPostgres();
    admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
  }, 60_000);
  afterAll(async () => {
    await host?.stop();
    await admin?.end();
    await server?.stop();
  });

  /** The next transaction id the server will give out: only transactions that write take one. */
  const nextXid = async (): Promise<number> => Number((await admin.query<{ x: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x')).rows[0]!.x);

  it('a lone 3-step workflow is 4 writing transactions', async () => {
    const persistence = await createPostgresPersistence({ connectionString: server.url, schema: 'commits' });
    host = new WorkflowHost({ persistence, asyncProjections: false });
    host.registerWorkflow(threeStep);
    await host.start();
    await runLone(host);
    const before = await nextXid();
    await runLone(host);
    const after = await nextXid();
    expect(after - before).toBe(4 * RUNS);
    await expectQueueEmpty(persistence);
    const leases = await admin.query('SELECT count(*)::int AS held FROM commits.leases WHERE owner IS NOT NULL');
    expect(leases.rows[0].held).toBe(0);
  }, 60_000);
});
