/**
 * A pizza order, using every builder feature, run on the embedded default (SQLite in ./.wfe/wfe.db).
 *   npm run pizza
 * Prints the run's history as a table: every state change is an event in the log.
 *   npm run pizza -- --fail --db .wfe/pizza.db
 * An oven at 480 °C: baking fails, is retried three times, and the order is suspended; see it
 * with `npm run wfe -- ui --db .wfe/pizza.db`.
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
  /** Oven temperature in °C: above 300 every pizza burns. */
  oven: number;
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
    .forEach((d) => d.pizzas.map((p) => p.name), (b) => b.startWith((ctx) => {
      if (ctx.data.oven > 300) throw new Error(`oven at ${ctx.data.oven} °C: the ${String(ctx.item)} would burn`);
      ctx.data.baked.push(String(ctx.item));
    }, 'bake pizza'))
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

/**
 * The kitchen outside the workflow: the oven timer rings for every order waiting for it, and a
 * receipt printer serves the print-receipt activity. Returns a function that stops it.
 */
export function startKitchen(host: WorkflowHost): () => void {
  let busy = false;
  const rung = new Set<string>();
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const waiting = await host.search({ waitingFor: 'oven-timer', limit: 100 });
      for (const i of waiting.items) {
        for (const w of i.waiting.filter((x) => x.eventName === 'oven-timer' && !rung.has(`${i.instanceId}:${x.eventKey}`))) {
          rung.add(`${i.instanceId}:${w.eventKey}`);
          await host.publishEvent('oven-timer', w.eventKey, { ready: true });
        }
      }
      const job = await host.getPendingActivity('print-receipt', 'printer-1');
      if (job) await host.submitActivitySuccess(job.token, { receipt: `receipt for ${(job.parameters as { orderId: string }).orderId}` });
    } catch {
      // The host stopped between two looks: the kitchen closes with it.
    } finally {
      busy = false;
    }
  }, 30);
  return () => clearInterval(timer);
}

export async function main(options: { sqlitePath?: string; print?: boolean; fail?: boolean } = {}): Promise<import('../src/index.js').InstanceState> {
  const host = new WorkflowHost({ pollInterval: 25, ...(options.sqlitePath ? { sqlitePath: options.sqlitePath } : {}) });
  host.registerWorkflow(pizzaWorkflow());
  await host.start();
  const orderId = `order-${Date.now()}`;
  const id = await host.startWorkflow('pizza', {
    reference: orderId,
    data: {
      orderId, pizzas: [{ name: 'margherita', size: 'large' }, { name: 'funghi', size: 'small' }],
      delivery: true, total: 23.5, card: '4242', toppings: [], baked: [], temperature: 130, oven: options.fail ? 480 : 250, qualityChecks: 0, log: [],
    } satisfies Order,
  });
  // The oven signals through an external event; a receipt printer is an external activity worker.
  const stopKitchen = startKitchen(host);
  const state = options.fail ? await untilSuspended(host, id) : await host.waitForCompletion(id, { timeoutMs: 20_000 });
  stopKitchen();
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
    if (state.status !== 'complete') console.log(`see it in the debugger: npm run wfe -- ui --db ${options.sqlitePath ?? './.wfe/wfe.db'}`);
    console.log(JSON.stringify(state.data, null, 2));
  }
  await host.stop();
  if (state.status !== 'complete') process.exitCode = 1;
  return state;
}

/** Polls until the order is suspended (its retries ran out) or ended. */
async function untilSuspended(host: WorkflowHost, id: string) {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const state = await host.getWorkflow(id);
    if (state.status !== 'runnable') return state;
  }
  return host.getWorkflow(id);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const db = args.includes('--db') ? args[args.indexOf('--db') + 1] : undefined;
  await main({ fail: args.includes('--fail'), ...(db ? { sqlitePath: db } : {}) });
}
