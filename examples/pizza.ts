/**
 * A pizza order, using every builder feature, run on the embedded default (SQLite in ./.wfe/wfe.db).
 *   npm run pizza
 * Prints the run's history as a table: every state change is an event in the log.
 */
import Table from 'cli-table3';
import { workflow, WorkflowHost, type StepContext } from '../src/index.js';
import { timeline } from '../src/projections/timeline.js';

export interface Order {
  orderId: string;
  pizzas: { name: string; size: 'small' | 'large' }[];
  delivery: boolean;
  total: number;
  card: string;
  valid?: boolean;
  chargeId?: string;
  slot?: string;
  toppings: string[];
  baked: string[];
  temperature: number;
  qualityChecks: number;
  ovenReady?: boolean;
  box?: string;
  receipt?: string;
  delivered?: boolean;
  survey?: boolean;
  log: string[];
}

/** A class step: its input mapping's fields are assigned onto a fresh instance per execution. */
class ValidateOrder {
  pizzas = 0;
  total = 0;
  valid = false;
  run() {
    this.valid = this.pizzas > 0 && this.total > 0;
    if (!this.valid) throw new Error('an order needs pizzas and a price');
  }
}

const note = (line: string) => (ctx: StepContext<Order>) => {
  ctx.data.log.push(line);
};

export function pizzaWorkflow() {
  return workflow<Order>('pizza', 1)
    .describe('Take, pay, bake, check, box and deliver a pizza order')
    .defaultOnError({ type: 'retry', interval: 100, maxRetries: 3 })
    .startWith(ValidateOrder, 'validate')
    .input((d) => ({ pizzas: d.pizzas.length, total: d.total }))
    .output((d, step: ValidateOrder) => { d.valid = step.valid; })
    .saga((s) =>
      s.startWith((ctx) => { ctx.data.chargeId = `ch_${ctx.idempotencyKey}`; ctx.data.log.push(`charged ${ctx.data.total}`); }, 'charge card')
        .compensateWith(note('refunded the card'), 'refund')
        .thenFn((ctx) => { ctx.data.slot = 'oven-2'; }, 'reserve oven slot')
        .compensateWithSequence((c) => c.startWith(note('released the oven slot')).then(note('told the kitchen'))),
      'payment saga')
    .compensateWith(note('order cancelled'))
    .parallel('prepare toppings')
    .do((b) => b.startWith(note('sauce'), 'sauce').output((d) => { d.toppings.push('sauce'); }))
    .do((b) => b.startWith(note('cheese'), 'cheese').output((d) => { d.toppings.push('cheese'); }))
    .do((b) => b.startWith(note('vegetables'), 'vegetables').output((d) => { d.toppings.push('vegetables'); }))
    .join()
    .forEach((d) => d.pizzas.map((p) => p.name), (b) => b.startWith((ctx) => { ctx.data.baked.push(String(ctx.item)); }, 'bake pizza'))
    .waitFor('oven-timer', (d) => d.orderId)
    .output((d, e: { eventData: { ready: boolean } }) => { d.ovenReady = e.eventData.ready; })
    .whileDo((d) => d.temperature > 60, (b) => b.startWith((ctx) => { ctx.data.temperature -= 25; }, 'cool down'))
    .then((ctx) => {
      ctx.data.qualityChecks += 1;
      if (ctx.attempt === 1) throw new Error('crust too pale, check again');
      ctx.data.log.push('quality ok');
    }, 'quality check')
    .onError('retry', { interval: 50, maxRetries: 2 })
    .decide((d) => d.pizzas.some((p) => p.size === 'large') ? 'large' : 'small', 'choose box')
    .branch('large', (b) => b.startWith((ctx) => { ctx.data.box = 'large box'; }, 'large box'))
    .branch('small', (b) => b.startWith((ctx) => { ctx.data.box = 'small box'; }, 'small box'))
    .end()
    .activity('print-receipt', (d) => ({ orderId: d.orderId, total: d.total }))
    .name('print receipt')
    .output((d, r: { receipt: string }) => { d.receipt = r.receipt; })
    .ifDo((d) => d.delivery, (b) => b.delay(150).then((ctx) => { ctx.data.delivered = true; }, 'deliver'))
    .schedule(50, (b) => b.startWith((ctx) => { ctx.data.survey = true; }, 'send survey'))
    .then(note('order complete'), 'done')
    .build();
}

export async function main(options: { sqlitePath?: string; print?: boolean } = {}): Promise<import('../src/index.js').InstanceState> {
  const host = new WorkflowHost({ pollInterval: 25, ...(options.sqlitePath ? { sqlitePath: options.sqlitePath } : {}) });
  host.registerWorkflow(pizzaWorkflow());
  await host.start();
  const orderId = `order-${Date.now()}`;
  const id = await host.startWorkflow('pizza', {
    reference: orderId,
    data: {
      orderId, pizzas: [{ name: 'margherita', size: 'large' }, { name: 'funghi', size: 'small' }],
      delivery: true, total: 23.5, card: '4242', toppings: [], baked: [], temperature: 130, qualityChecks: 0, log: [],
    } satisfies Order,
  });
  // The oven signals through an external event; a receipt printer is an external activity worker.
  setTimeout(() => void host.publishEvent('oven-timer', orderId, { ready: true }), 100);
  const printer = setInterval(async () => {
    const job = await host.getPendingActivity('print-receipt', 'printer-1');
    if (job) await host.submitActivitySuccess(job.token, { receipt: `receipt for ${(job.parameters as { orderId: string }).orderId}` });
  }, 30);
  const state = await host.waitForCompletion(id, { timeoutMs: 20_000 });
  clearInterval(printer);
  const table = new Table({
    head: ['v', '+ms', 'event', 'step', 'detail'],
    colWidths: [5, 7, 21, 19, 58],
    wordWrap: true,
    style: { compact: true, head: process.stdout.isTTY ? ['cyan'] : [], border: [] },
  });
  for (const r of timeline(host.getDefinition('pizza', 1), await host.history(id))) {
    table.push([r.version, r.offset, r.type, r.step ?? '', r.detail]);
  }
  if (options.print !== false) {
    console.log(table.toString());
    console.log(`instance ${id}: ${state.status} (inspect later with its id; the log is in ${options.sqlitePath ?? './.wfe/wfe.db'})`);
    console.log(JSON.stringify(state.data, null, 2));
  }
  await host.stop();
  if (state.status !== 'complete') process.exitCode = 1;
  return state;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
