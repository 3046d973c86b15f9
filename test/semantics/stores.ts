import { createSqlitePersistence } from '../../src/adapters/sqlite/index.js';
import type { BuiltWorkflow } from '../../src/domain/builder.js';
import { createTestHost, SimulatedClock, type TestHost } from '../../src/testing/index.js';

/**
 * The stores the host-level semantics tests run on: in memory and SQLite (PostgreSQL runs the same
 * port contracts in its integration tests). Each test host is stopped and its store closed by
 * `stopAll` (call it in `afterEach`).
 */
export const STORES = ['memory', 'sqlite'] as const;
export type StoreName = (typeof STORES)[number];

const open: { host: TestHost; close?: () => Promise<void> }[] = [];

/** A started test host on the store, with a simulated clock shared by host and store. */
export async function hostOn(store: StoreName, workflows: readonly BuiltWorkflow[]): Promise<TestHost> {
  const clock = new SimulatedClock();
  if (store === 'memory') {
    const host = await createTestHost(workflows, { clock });
    open.push({ host });
    return host;
  }
  const persistence = createSqlitePersistence({ path: ':memory:', clock: () => clock.now() });
  const host = await createTestHost(workflows, { clock, persistence });
  open.push({ host, close: () => persistence.close() });
  return host;
}

/** Stop every host `hostOn` started and close its store. */
export async function stopAll(): Promise<void> {
  for (const { host, close } of open.splice(0)) {
    await host.stop();
    await close?.();
  }
}
