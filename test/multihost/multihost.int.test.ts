/**
 * Three host processes on one PostgreSQL database run 1,000 `mixed` workflows (parallel branches,
 * timers, a retried step, external events published by the test and by steps); one host is killed
 * with SIGKILL mid-run and started again. Twice: leases and queue on PostgreSQL, then leases, queue
 * and wakeups on Redis beside the PostgreSQL log. Afterwards every stream is read back through the
 * log and checked (see `checkStreams` and `checkJournals` in scenario.ts for exactly what).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPostgresPersistence, type PostgresPersistence } from '../../src/adapters/postgres/index.js';
import { createTestDatabase, describeWith, dropRedisPrefix, uniqueSuffix } from '../setup/integration.js';
import { checkJournals, checkStreams, completedInLog, readStreams, runScenario, type ScenarioOptions } from './scenario.js';

const COUNT = Number(process.env.WFE_MULTIHOST_COUNT ?? 1000);
const verbose = process.env.WFE_MULTIHOST_VERBOSE === '1';

const settings = {
  count: COUNT,
  hosts: 3,
  // Short leases so the killed host's instances are taken over quickly.
  leaseMs: 3_000,
  pollInterval: 250,
  maxConcurrentWorkflows: 64,
  killAt: 0.35,
  downMs: 300,
  timeoutMs: 180_000,
};

async function scenario(name: string, url: string, redis?: { url: string; prefix: string }): Promise<void> {
  const schema = `mh_${uniqueSuffix()}`;
  const dir = mkdtempSync(join(tmpdir(), 'wfe-multihost-'));
  // The test's own view of the stores: migrates the schema before the hosts start, then reads.
  const p: PostgresPersistence = await createPostgresPersistence({ connectionString: url, schema, poolConfig: { max: 8 } });
  try {
    const options: ScenarioOptions = {
      ...settings,
      pgUrl: url,
      schema,
      dir,
      ...(redis ? { redisUrl: redis.url, redisPrefix: redis.prefix } : {}),
      log: (line) => {
        if (verbose) console.log(`[${name}] ${line}`);
      },
    };
    const run = await runScenario(options, completedInLog(p.pool, schema));
    const streams = await readStreams(p.log, COUNT);
    const report = checkStreams(streams, run.killedHostId);
    const journal = checkJournals(run.journals, run.killedHostId, run.killedAt, run.disturbed);
    // The instance index (a projection, written after the appends) agrees with the log, the
    // instances the killed host finished included.
    const indexed = new Set((await p.instances.query({ status: 'complete', limit: COUNT + 1 })).map((s) => s.instanceId));
    const notIndexed = [...streams.keys()].filter((id) => !indexed.has(id));
    const errors = Object.entries(run.errors).flatMap(([host, lines]) => lines.map((l) => `${host}: ${l}`));
    if (verbose) {
      console.log(`[${name}]`, {
        runMs: run.runMs,
        completedAtKill: run.completedAtKill,
        events: report.events,
        handedOver: report.handedOver,
        takenOverFromKilled: report.takenOverFromKilled,
        leaseChanges: report.leaseChanges,
        executions: journal.executions,
        repeated: journal.repeated,
        interrupted: journal.interrupted,
        hostErrors: errors.length,
        disturbed: run.disturbed.size,
      });
      for (const e of errors.slice(0, 20)) console.log(`[${name}] host:error ${e}`);
    }
    expect(report.problems.slice(0, 20)).toEqual([]);
    expect(journal.problems.slice(0, 20)).toEqual([]);
    expect(report.instances).toBe(COUNT);
    expect(notIndexed.slice(0, 20)).toEqual([]);
    // The kill came mid-run: the killed host had appended to instances that others finished.
    expect(run.completedAtKill).toBeLessThan(COUNT);
    expect(report.takenOverFromKilled).toBeGreaterThan(0);
    // Every step ran at least once (8 task steps, plus the flaky step's failed first attempt).
    expect(journal.executions).toBeGreaterThanOrEqual(COUNT * 9);
  } finally {
    await p.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describeWith('postgres', 'three host processes on one PostgreSQL, one killed with SIGKILL', (adminUrl) => {
  let url: string;
  beforeAll(async () => {
    url = await createTestDatabase(adminUrl, 'multihost');
  });

  it(`${COUNT} mixed workflows with PostgreSQL leases and queue: all complete, no interleaved owners, nothing recorded twice`, async () => {
    await scenario('postgres', url);
  }, 300_000);

  describeWith('redis', 'with Redis locks, queue and wakeups', (redisUrl) => {
    const prefix = `mh-${uniqueSuffix()}:`;
    let client: Redis;
    beforeAll(() => {
      client = new Redis(redisUrl);
    });
    afterAll(async () => {
      await dropRedisPrefix(client, prefix);
      await client.quit();
    });

    it(`${COUNT} mixed workflows with Redis leases and queue beside the PostgreSQL log: the same checks`, async () => {
      await scenario('redis', url, { url: redisUrl, prefix });
    }, 300_000);
  });
});
