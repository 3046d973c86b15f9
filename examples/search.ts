import { workflow, WorkflowHost } from '../src/index.js';

type Order = { customer: { name: string; tier: 'gold' | 'silver' }; total: number; paid?: boolean };

export const order = workflow<Order>('order', 1)
  .startWith((ctx) => {
    if (ctx.data.total > 500) throw new Error(`card declined for ${ctx.data.total}`);
    ctx.data.paid = true;
  }, 'charge card')
  .onError('suspend')
  .waitFor('shipped', (data) => data.customer.name)
  .build();

export async function run(sqlitePath = ':memory:') {
  // The index keeps these data fields for filters, and the string ones for free text.
  const host = new WorkflowHost({ sqlitePath, index: { dataFields: ['customer.name', 'customer.tier', 'total'] }, asyncProjections: true });
  host.registerWorkflow(order);
  await host.start();
  for (const [name, tier, total] of [['Ada', 'gold', 120], ['Grace', 'silver', 900], ['Linus', 'gold', 640]] as const) {
    await host.startWorkflow('order', { data: { customer: { name, tier }, total }, reference: `order of ${name}` });
  }
  await host.drain();

  const suspended = await host.search({ status: 'suspended' }); // Grace and Linus: card declined
  const goldOver500 = await host.search({ where: [{ field: 'customer.tier', op: 'eq', value: 'gold' }, { field: 'total', op: 'gt', value: 500 }] });
  const waiting = await host.search({ waitingFor: 'shipped', text: 'ada' }); // free text: reference, names, text fields
  const recent = { createdFrom: Date.now() - 3_600_000, sort: { by: 'createdAt', order: 'asc' }, limit: 2 } as const;
  const lastHour = await host.search(recent);
  const next = await host.search({ ...recent, cursor: lastHour.nextCursor }); // the same query, the next page

  await host.projectionsCaughtUp(); // the async projections (step rows, counters) have read the log
  const admin = await host.projections();
  const drift = await admin.verify('instances'); // rebuilt in memory from the log, compared row by row
  await host.stop();
  return { suspended, goldOver500, waiting, lastHour, next, drift };
}
