/**
 * Vitest global setup: start PostgreSQL and redis-server once per run (loopback, free ports, temp
 * folders; never the system services) and hand their URLs to the test files with `project.provide`
 * (read them with `inject`, or through `test/setup/integration.ts`) and environment variables.
 * A server whose binaries are missing is reported and skipped; the integration tests that need it
 * then skip locally and fail when `CI=true`.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres, startRedis, type RunningServer } from './servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the run's PostgreSQL server, or '' when it could not be started. */
    wfePostgresUrl: string;
    /** Why PostgreSQL is missing ('' when it runs). */
    wfePostgresMissing: string;
    /** URL of the run's redis-server, or ''. */
    wfeRedisUrl: string;
    wfeRedisMissing: string;
  }
}

type Started = { url: string; missing: string; server?: RunningServer };

async function start(name: string, envUrl: string, launch: () => Promise<RunningServer>): Promise<Started> {
  const given = process.env[envUrl];
  if (given) return { url: given, missing: '' };
  if (process.env.WFE_SKIP_SERVERS) return { url: '', missing: 'WFE_SKIP_SERVERS is set' };
  try {
    const server = await launch();
    return { url: server.url, missing: '', server };
  } catch (e) {
    const missing = `${name} could not be started: ${e instanceof Error ? e.message : String(e)}`;
    console.warn(`[wfe global-setup] ${missing}${process.env.CI === 'true' ? '' : ' (its integration tests are skipped)'}`);
    return { url: '', missing };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [pg, redis] = await Promise.all([
    start('PostgreSQL', 'WFE_TEST_PG_URL', () => startPostgres()),
    start('redis-server', 'WFE_TEST_REDIS_URL', () => startRedis()),
  ]);
  project.provide('wfePostgresUrl', pg.url);
  project.provide('wfePostgresMissing', pg.missing);
  project.provide('wfeRedisUrl', redis.url);
  project.provide('wfeRedisMissing', redis.missing);
  if (pg.url) process.env.WFE_TEST_PG_URL = pg.url;
  if (redis.url) process.env.WFE_TEST_REDIS_URL = redis.url;
  return async () => {
    await Promise.all([pg.server?.stop(), redis.server?.stop()]);
  };
}
