/**
 * DBOS Transact (`@dbos-inc/dbos-sdk`) as a peer-benchmark engine (a child of
 * `bench/peers/run.ts`, see `../child.ts`):
 *
 *   node --expose-gc --import tsx bench/peers/engines/dbos.ts '<json ChildConfig>'
 *
 * Configuration, DBOS's documented normal use: `DBOS.setConfig({ name, systemDatabaseUrl })` and
 * `DBOS.launch()`, everything else default (system database pool of 10 connections, durable
 * checkpoints in PostgreSQL, no application database since the steps touch none). The workflow
 * is registered with `DBOS.registerWorkflow` and its three no-op steps with `DBOS.registerStep`
 * (each step checkpointed, as DBOS does). Workflows are started with `DBOS.startWorkflow(wf)()`
 * (the start is recorded before it resolves; the workflow then runs in this process; no queue,
 * so no worker-concurrency limit or queue polling is in the way) and completion is
 * `handle.getResult()`. Only the log level is changed (to `error`), so that the console is not
 * part of the measurement: wfe logs nothing either.
 *
 * The system database is `cfg.pg.url`: a new, empty database per run, on the same server as wfe's.
 */
import { DBOS } from '@dbos-inc/dbos-sdk';
import { Completions, runChild, type Engine } from '../child.js';

const noop = async (): Promise<void> => {};
const one = DBOS.registerStep(noop, { name: 'one' });
const two = DBOS.registerStep(noop, { name: 'two' });
const three = DBOS.registerStep(noop, { name: 'three' });
const threeStep = DBOS.registerWorkflow(
  async (_order: number): Promise<void> => {
    await one();
    await two();
    await three();
  },
  { name: 'bench-3step' },
);

await runChild(async (cfg): Promise<Engine> => {
  if (!cfg.pg) throw new Error('bench/peers/engines/dbos.ts: needs cfg.pg (a PostgreSQL database for its system database)');
  DBOS.setConfig({ name: 'wfe-bench-peers', systemDatabaseUrl: cfg.pg.url, logLevel: 'error' });
  await DBOS.launch();
  const completions = new Completions();
  return {
    completions,
    async start(i) {
      const handle = await DBOS.startWorkflow(threeStep)(i);
      void handle.getResult().then(
        () => completions.bump(),
        (error: unknown) => console.error(`DBOS workflow ${handle.workflowID} failed:`, error),
      );
    },
    close: () => DBOS.shutdown(),
  };
});
