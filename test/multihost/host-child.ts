/**
 * One host process of the multi-host tests, driven over stdin/stdout (one command per line):
 *
 *   start <from> <count>   start instances from..from+count-1     -> started <from> <count>
 *   publish <n>[,<n>...]   publish the events instances n wait for -> published <same list>
 *   stop                   stop the host, close the stores, exit 0
 *
 * It prints `ready` once started (and listening for wakeups), `error <where> <instance|-> <message>`
 * for each `host:error` and `conflict <instance> <expected> <actual>` for each `append:conflict`.
 * The test kills it with SIGKILL at some point.
 *
 * Argument: JSON of {@link ChildConfig}.
 *
 * Every append the host makes is recorded with the lease it was made under: a wrapper of
 * `EventLog.appendBatch` copies the request's fence (`owner`, `token`) into the event meta, which the
 * log stores and hash-chains with the events, so the test reads from the log which lease each
 * append was made under.
 */
import { createInterface } from 'node:readline';
import { createPostgresPersistence } from '../../src/adapters/postgres/index.js';
import { createRedisCoordination, withRedisCoordination } from '../../src/adapters/redis/index.js';
import type { Persistence } from '../../src/ports/persistence.js';
import { WorkflowHost } from '../../src/runtime/host.js';
import { recordingFences, type ChildConfig } from './child-protocol.js';
import { EXT_EVENT, eventKey, instanceId, mixedWorkflow } from './mixed-workflow.js';

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const pg = await createPostgresPersistence({ connectionString: config.pgUrl, schema: config.schema, poolConfig: { max: 8 } });
const redis = config.redisUrl ? await createRedisCoordination({ url: config.redisUrl, ...(config.redisPrefix ? { prefix: config.redisPrefix } : {}) }) : undefined;
const base: Persistence = redis ? withRedisCoordination(pg, redis) : pg;
const persistence: Persistence = { ...base, log: recordingFences(base.log) };

const host = new WorkflowHost({
  persistence,
  hostId: config.hostId,
  leaseMs: config.leaseMs,
  pollInterval: config.pollInterval,
  maxConcurrentWorkflows: config.maxConcurrentWorkflows,
});
host.registerWorkflow(mixedWorkflow({ hostId: config.hostId, journal: config.journal, publish: (name, key, data) => host.publishEvent(name, key, data) }));
host.on('host:error', (e) => say(`error ${e.where} ${e.instanceId ?? '-'} ${e.error instanceof Error ? e.error.message : String(e.error)}`.replace(/\n/g, ' ')));
host.on('append:conflict', (e) => say(`conflict ${e.instanceId} ${e.expectedVersion} ${e.actualVersion ?? '-'}`));
await host.start();
await (redis ? redis.wakeups.listening() : pg.wakeups.listening());
say('ready');

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const [word, a, b] = line.trim().split(' ');
  if (word === 'start') {
    const from = Number(a);
    const count = Number(b);
    await Promise.all(
      Array.from({ length: count }, (_, k) => from + k).map((n) =>
        host.startWorkflow('mixed', { instanceId: instanceId(n), data: { n, key: eventKey(n), done: [] } }),
      ),
    );
    say(`started ${from} ${count}`);
  } else if (word === 'publish') {
    await Promise.all((a ?? '').split(',').map((n) => host.publishEvent(EXT_EVENT, eventKey(Number(n)), { by: 'test' })));
    say(`published ${a}`);
  } else if (word === 'stop') {
    break;
  }
}
await host.stop();
await Promise.all([pg.close(), redis?.close()]);
process.exit(0);
