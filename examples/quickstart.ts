import { workflow, WorkflowHost } from '../src/index.js';

type Signup = { email: string; welcomed?: boolean; attempts: number };

export const signup = workflow<Signup>('signup', 1)
  .startWith((ctx) => {
    if (!ctx.data.email.includes('@')) throw new Error(`not an email: ${ctx.data.email}`);
  }, 'validate')
  .onError('terminate')
  .then(async (ctx) => {
    ctx.data.attempts += 1; // dropped if this attempt fails: only a step that proceeds changes the data
    await sendMail(ctx.data.email, { idempotencyKey: ctx.idempotencyKey });
    ctx.data.welcomed = true;
  }, 'send welcome mail')
  .onError('retry', { interval: 1_000, maxRetries: 5, backoff: 2 })
  .waitFor('email-confirmed', (data) => data.email)
  .build();

async function sendMail(_to: string, _options: { idempotencyKey: string }): Promise<void> {}

export async function run(sqlitePath = './.wfe/wfe.db') {
  const host = new WorkflowHost({ sqlitePath }); // embedded SQLite: no server
  host.registerWorkflow(signup);
  await host.start();
  const id = await host.startWorkflow('signup', { data: { email: 'ada@example.com', attempts: 0 } });
  await host.publishEvent('email-confirmed', 'ada@example.com', { at: 'web' });
  const state = await host.waitForCompletion(id);
  await host.stop();
  return state; // state.status === 'complete', state.data.welcomed === true
}
