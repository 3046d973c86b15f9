// The web debugger end to end, in real headless Chromium: a failed pizza order found, scrubbed, checked
// against the inspector, forked with corrected data, and the fork seen completing live.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { pizzaWorkflow, startKitchen, type Order } from '../../examples/pizza.js';
import { WorkflowHost } from '../../src/index.js';
import { createInspector, createUiServer, type StoreInspector, type UiServer } from '../../src/ui/index.js';
import { ARTIFACTS, CHROMIUM, hasChromium, launchBrowser } from './browser.js';

const inCi = process.env.CI === 'true';

describe('chromium for the end-to-end tests', () => {
  it.skipIf(!inCi)('is installed in CI (.ci/run installs Debian chromium)', () => {
    expect(hasChromium, `no Chromium at ${CHROMIUM}: apt-get install -y chromium`).toBe(true);
  });
});

if (!hasChromium && !inCi) console.warn(`SKIPPED: the web debugger's browser tests need Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

describe.skipIf(!hasChromium)('the web debugger in headless Chromium', () => {
  let dir: string;
  let host: WorkflowHost;
  let stopKitchen: () => void;
  let inspector: StoreInspector;
  let ui: UiServer;
  let url: string;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  let failedId: string;

  const order = (oven: number, n: number): Order => ({
    orderId: `order-${n}`, pizzas: [{ name: 'margherita', size: 'large' }, { name: 'funghi', size: 'small' }],
    delivery: true, total: 23.5, card: '4242', toppings: [], baked: [], temperature: 130, oven, qualityChecks: 0, log: [],
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wfe-ui-e2e-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    const sqlitePath = join(dir, 'pizza.db');
    host = new WorkflowHost({ sqlitePath, pollInterval: 25 });
    host.registerWorkflow(pizzaWorkflow());
    await host.start();
    stopKitchen = startKitchen(host);
    const good = await host.startWorkflow('pizza', { reference: 'order-1', data: order(250, 1) });
    failedId = await host.startWorkflow('pizza', { reference: 'order-2', data: order(480, 2) });
    await host.waitForCompletion(good, { timeoutMs: 20_000 });
    for (let i = 0; i < 400 && (await host.getWorkflow(failedId)).status === 'runnable'; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await host.getWorkflow(failedId)).status).toBe('suspended');
    inspector = createInspector(host.stores, { sqlitePath, pollIntervalMs: 200 });
    ui = createUiServer({ inspector, host, storeLabel: sqlitePath });
    ({ url } = await ui.listen());
    browser = await launchBrowser();
    context = browser.context;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await ui?.close();
    await inspector?.close();
    stopKitchen?.();
    await host?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function newPage(): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => {
      throw e;
    });
    return page;
  }

  it('finds the failed order, scrubs it, and shows the state, diff and step graph the inspector has at that version', async () => {
    const page = await newPage();
    await page.goto(url);
    await expect.poll(() => page.getByTestId('count-suspended').textContent()).toBe('1');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    await page.getByLabel('Definition').fill('no-such-workflow');
    await expect.poll(() => page.locator('.empty').textContent()).toBe('No instance matches these filters.');
    await page.getByLabel('Definition').fill('pizza');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    await page.getByRole('checkbox', { name: 'suspended' }).check();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await expect(page.locator('tbody tr').first().getAttribute('data-instance')).resolves.toBe(failedId);
    expect(new URL(page.url()).searchParams.get('status')).toBe('suspended');
    await page.screenshot({ path: join(ARTIFACTS, 'instances.png') });
    await page.getByRole('link', { name: 'order-2' }).click();

    const head = (await inspector.history(failedId)).length;
    await expect.poll(() => page.getByTestId('version').textContent()).toBe(String(head));
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('suspended');
    await expect(page.getByTestId('explain').textContent()).resolves.toContain('oven at 480 °C');
    await expect(page.getByTestId('chain').textContent()).resolves.toContain('hash chain intact');
    // Retries are marked as such, and the parallel toppings run in lanes of their own.
    await page.locator('#version-slider').fill('24');
    await expect.poll(() => page.locator('[data-testid=timeline] .kind-retry').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid=timeline] .lanes[aria-label*="in prepare toppings"]').count()).toBeGreaterThan(0);
    await page.locator('#version-slider').fill(String(head));
    const bakeAtHead = (await inspector.graph(failedId)).nodes.find((n) => n.name === 'bake pizza')!.status;
    await expect.poll(() => page.locator('[data-testid=step-graph] g[data-step="bake pizza"]').first().getAttribute('data-status')).toBe(bakeAtHead);
    await page.screenshot({ path: join(ARTIFACTS, 'instance-failed.png') }); // docs/ui.png is a copy of this one

    // The slider to the first failure, then one key press back and forth.
    const firstFailure = (await inspector.history(failedId)).find((e) => e.type === 'StepFailed')!.version;
    await page.locator('#version-slider').fill(String(firstFailure - 1));
    await expect.poll(() => page.getByTestId('version').textContent()).toBe(String(firstFailure - 1));
    await page.locator('h1').first().click();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('version').textContent()).toBe(String(firstFailure));
    await expect.poll(() => page.getByTestId('event').textContent()).toContain('StepFailed');

    // Compare what the page shows with the inspector at that version.
    // The last version before the failure whose event changed the data.
    let withData = firstFailure;
    while ((await inspector.diff(failedId, withData - 1, withData)).data.length === 0) withData--;
    await page.locator('#version-slider').fill(String(withData));
    await expect.poll(() => page.getByTestId('version').textContent()).toBe(String(withData));
    const diff = await inspector.diff(failedId, withData - 1, withData);
    expect(diff.data.length).toBeGreaterThan(0);
    for (const d of diff.data) {
      const row = page.locator(`[data-testid=diff] tr[data-path="${d.path}"]`);
      await expect.poll(() => row.count()).toBe(1);
      if (d.after !== undefined) await expect(row.locator('td').nth(1).textContent()).resolves.toBe(JSON.stringify(d.after));
    }
    const state = await inspector.stateAt(failedId, withData);
    const tree = (await page.getByTestId('data-tree').textContent()) ?? '';
    for (const [key, value] of Object.entries(state.data as Record<string, unknown>)) {
      if (value === null || typeof value !== 'object') expect(tree).toContain(`${key}: ${JSON.stringify(value)}`);
    }
    const graph = await inspector.graph(failedId, withData);
    for (const n of graph.nodes.filter((x) => x.name === 'bake pizza' || x.name === 'payment saga')) {
      await expect(page.locator(`[data-testid=step-graph] g[data-step="${n.name}"]`).first().getAttribute('data-status')).resolves.toBe(n.status);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'instance.png') });
    await page.setViewportSize({ width: 480, height: 900 });
    await page.screenshot({ path: join(ARTIFACTS, 'instance-narrow.png'), fullPage: false });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.close();
  }, 120_000);

  it('forks the failed order with corrected data: invalid JSON is refused, the what-if is shown, the fork completes live', async () => {
    const page = await newPage();
    await page.goto(`${url}instances/${failedId}`);
    await page.getByTestId('go-fork-at').click();
    const forkAt = (await inspector.explain(failedId) as { failure?: { forkAt: number } }).failure!.forkAt;
    await expect.poll(() => page.getByTestId('version').textContent()).toBe(String(forkAt));

    const editor = page.locator('#fork-data');
    await editor.fill('{ "oven": ');
    await expect.poll(() => page.getByTestId('fork-json-check').textContent()).toMatch(/not valid JSON at line 1/);
    await expect(page.getByRole('button', { name: 'Fork…' }).isDisabled()).resolves.toBe(true);

    const data = (await inspector.stateAt(failedId, forkAt)).data as Record<string, unknown>;
    await editor.fill(JSON.stringify({ ...data, oven: 250 }, null, 2));
    await expect.poll(() => page.getByTestId('fork-json-check').textContent()).toBe('valid JSON');
    await page.getByRole('button', { name: 'Preview what-if' }).click();
    await expect.poll(async () => (await page.getByTestId('what-if').count()) + (await page.getByTestId('fork-problem').count())).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'what-if.png') });

    await page.getByRole('button', { name: 'Fork…' }).click();
    await page.getByLabel('Your name (recorded as the actor)').fill('e2e tester');
    await page.getByLabel('Why (recorded as the reason)').fill('the oven was set too hot');
    await page.getByRole('button', { name: 'Fork', exact: true }).click();
    await page.waitForURL((u) => !u.pathname.endsWith(failedId) && u.pathname.includes('/instances/'));
    const forkId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 30_000 }).toBe('complete');
    const forkHistory = await inspector.history(forkId);
    const forked = forkHistory.find((e) => e.kind === 'fork');
    expect(forked?.actor ?? forkHistory.map((e) => e.actor).join()).toContain('e2e tester');
    expect(((await inspector.stateAt(forkId)).data as { baked: string[] }).baked.slice().sort()).toEqual(['funghi', 'margherita']);
    await page.screenshot({ path: join(ARTIFACTS, 'fork-complete.png') });
    await page.close();
  }, 120_000);

  it('says what is wrong: an unknown instance, a bad version, a lost live connection', async () => {
    const page = await newPage();
    await page.goto(`${url}instances/no-such-order`);
    await expect.poll(() => page.getByTestId('page-problem').textContent()).toContain('There is no instance no-such-order');
    await page.goto(`${url}instances/${failedId}?v=abc`);
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('"abc", which is not a version number');
    await page.goto(`${url}instances/${failedId}?v=99999`);
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('Version 99999 is not in this instance');
    await page.goto(url);
    await expect.poll(() => page.locator('.live').textContent()).toContain('live');
    await ui.close(); // the server goes away under the open page
    await expect.poll(() => page.locator('.live-lost').textContent(), { timeout: 15_000 }).toContain('Live updates lost');
    await page.screenshot({ path: join(ARTIFACTS, 'connection-lost.png') });
    await page.close();
  }, 60_000);
});
