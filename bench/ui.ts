/**
 * The web debugger (issue 10), in headless Debian Chromium against `wfe ui` as its own process:
 *   - time until an instance with 10,000 events is interactive (page load to the slider, timeline,
 *     step graph and data shown at the head), against fetching its history over HTTP alone;
 *   - time to move the slider one step (a key press until the data at the new version is shown),
 *     median over 100 moves;
 *   - the server's resident memory with 100,000 instances in the store, against the same server on a
 *     store with one instance, after the instances page has searched and counted them.
 *
 *   npx tsx bench/ui.ts
 * Environment: WFE_BENCH_UI_EVENTS (10,000), WFE_BENCH_UI_INSTANCES (100,000), WFE_BENCH_UI_MOVES (100),
 * WFE_CHROMIUM (/usr/bin/chromium).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { workflow, WorkflowHost } from '../src/index.js';
import { launchBrowser, CHROMIUM } from '../test/ui/browser.js';
import { clock, median, msSince, percentile } from './lib/measure.js';
import { runAsScript, type Report } from './lib/report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EVENTS = Number(process.env.WFE_BENCH_UI_EVENTS ?? 10_000);
const INSTANCES = Number(process.env.WFE_BENCH_UI_INSTANCES ?? 100_000);
const MOVES = Number(process.env.WFE_BENCH_UI_MOVES ?? 100);

type Loop = { i: number; n: number; total: number };
/** One step in a loop: about four events per turn (activated, started, completed, the loop's own). */
const long = workflow<Loop>('long', 1)
  .startWith(() => undefined, 'start')
  .whileDo((d) => d.i < d.n, (b) => b.startWith((ctx) => { ctx.data.i += 1; ctx.data.total += ctx.data.i; }, 'tick'))
  .build();
const tiny = workflow<{ n: number }>('tiny', 1).startWith(() => undefined, 'only').waitFor('never', (d) => String(d.n)).build();

/** A store with one instance of about `events` events (turns are added until it has them). */
async function storeWithLongInstance(path: string, events: number): Promise<string> {
  const host = new WorkflowHost({ sqlitePath: path, pollInterval: 10 });
  host.registerWorkflow(long);
  await host.start();
  let turns = Math.ceil(events / 4);
  let id = '';
  for (;;) {
    id = await host.startWorkflow('long', { data: { i: 0, n: turns, total: 0 } });
    await host.waitForCompletion(id, { timeoutMs: 600_000 });
    const have = (await host.history(id)).length;
    if (have >= events) break;
    turns = Math.ceil((turns * events) / have) + 1;
  }
  await host.stop();
  return id;
}

/** A store with `count` instances, each waiting (an index row, a few events). */
async function storeWithInstances(path: string, count: number): Promise<void> {
  const host = new WorkflowHost({ sqlitePath: path, pollInterval: 50 });
  host.registerWorkflow(tiny);
  await host.start();
  for (let i = 0; i < count; i += 200) {
    await Promise.all(Array.from({ length: Math.min(200, count - i) }, (_, k) => host.startWorkflow('tiny', { data: { n: i + k }, reference: `order ${i + k}` })));
  }
  await host.drain({ timeoutMs: 3_600_000 });
  await host.stop();
}

/** `wfe ui` on a store, as its own process; resolves with its address. */
async function startUi(db: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'ui', '--db', db, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /is at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`wfe ui exited with ${code}: ${out}`)));
  });
  return { child, url };
}

/** The page's document as page functions see it (this file is type-checked for Node, without the DOM; the page's CSP forbids string expressions, and page functions are sent as source, so no helper closures). */
interface PageDocument {
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): { length: number };
  getElementById(id: string): { textContent: string | null } | null;
}

const rssKiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
const stop = (child: ChildProcess) => new Promise<void>((resolve) => {
  child.once('exit', () => resolve());
  child.kill('SIGINT');
});

async function interactive(page: Page, url: string, head: number): Promise<number> {
  const t0 = clock();
  await page.goto(url);
  await page.waitForFunction(
    (h) => {
      const doc = (globalThis as unknown as { document: PageDocument }).document;
      return doc.querySelector('[data-testid=version]')?.textContent === String(h) && !!doc.querySelector('[data-testid=step-graph]') && !!doc.querySelector('[data-testid=data-tree]') && doc.querySelectorAll('[data-testid=timeline] [role=option]').length > 0;
    },
    head,
    { timeout: 120_000 },
  );
  return msSince(t0);
}

async function main(report: Report): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  const dir = mkdtempSync(join(tmpdir(), 'wfe-bench-ui-'));
  const browser = await launchBrowser();
  try {
    // 1. A 10,000-event instance: time to interactive and slider steps.
    const longDb = join(dir, 'long.db');
    const id = await storeWithLongInstance(longDb, EVENTS);
    const ui = await startUi(longDb);
    try {
      const historyMs: number[] = [];
      let head = 0;
      for (let r = 0; r < 5; r++) {
        const t0 = clock();
        head = ((await (await fetch(new URL(`api/instances/${id}/history`, ui.url))).json()) as unknown[]).length;
        historyMs.push(msSince(t0));
      }
      report.note(`instance ${id}: ${head} events`);
      const page = await browser.context.newPage();
      const loads: number[] = [];
      for (let r = 0; r < 3; r++) loads.push(await interactive(page, new URL(`instances/${id}`, ui.url).toString(), head));
      report.add({
        name: `time until a ${head}-event instance is interactive (median of 3 loads)`, value: median(loads), unit: 'ms',
        baseline: { name: 'its history over HTTP alone (median of 5)', value: median(historyMs), unit: 'ms' }, ratio: median(loads) / median(historyMs),
        note: `loads ${loads.map((x) => x.toFixed(0)).join(', ')} ms`,
      });
      await page.locator('h1').first().click();
      const moves: number[] = [];
      for (let m = 1; m <= MOVES; m++) {
        const target = head - m;
        const t0 = clock();
        await page.keyboard.press('ArrowLeft');
        await page.waitForFunction((v) => (globalThis as unknown as { document: PageDocument }).document.getElementById('data-title')?.textContent === `Data at version ${v}`, target, { timeout: 30_000 });
        moves.push(msSince(t0));
      }
      report.add({ name: `slider step at version ~${head} (median of ${MOVES} moves, key press until the data at the new version is shown)`, value: median(moves), unit: 'ms', note: `p90 ${percentile(moves, 90).toFixed(1)} ms, max ${Math.max(...moves).toFixed(1)} ms` });
      await page.close();
    } finally {
      await stop(ui.child);
    }

    // 2. Server memory with INSTANCES instances, against one instance.
    const memory = async (db: string) => {
      const server = await startUi(db);
      try {
        const page = await browser.context.newPage();
        await page.goto(server.url);
        await page.waitForFunction(() => (globalThis as unknown as { document: PageDocument }).document.querySelectorAll('tbody tr').length > 0, undefined, { timeout: 120_000 });
        for (const status of ['runnable', 'complete']) await fetch(new URL(`api/instances?status=${status}&limit=1000`, server.url));
        await fetch(new URL('api/counts', server.url));
        await page.close();
        return rssKiB(server.child.pid!);
      } finally {
        await stop(server.child);
      }
    };
    const oneDb = join(dir, 'one.db');
    await storeWithInstances(oneDb, 1);
    const manyDb = join(dir, 'many.db');
    const t0 = clock();
    await storeWithInstances(manyDb, INSTANCES);
    report.note(`${INSTANCES} instances written in ${(msSince(t0) / 1000).toFixed(0)} s`);
    const base = await memory(oneDb);
    const many = await memory(manyDb);
    report.add({ name: `wfe ui resident memory with ${INSTANCES} instances (after the instances page, counts and 1,000-row searches)`, value: many / 1024, unit: 'MiB', baseline: { name: 'the same with one instance', value: base / 1024, unit: 'MiB' }, ratio: many / base });
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await runAsScript('ui', main);
