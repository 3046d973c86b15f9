/**
 * `wfe/testing/conformance`: the conformance suites, one per port (they need `vitest`, a dev
 * dependency of your adapter's tests; `wfe/testing` itself does not import them). Every adapter of a port runs the port's suite from its own test
 * file, so the in-memory, SQLite, PostgreSQL and Redis adapters all behave the same.
 *
 * Each suite registers vitest `describe`/`it` blocks:
 *
 * ```ts
 * eventLogConformance('postgres', async ({ clock }) => {
 *   const log = await createPgEventLog({ pool, clock: () => clock.now() });
 *   return { port: log, cleanup: async () => { await truncateAll(pool); await log.close(); } };
 * });
 * ```
 *
 * The factory, `PortFactory<P> = (ctx: { clock: ManualClock }) => Promise<{ port: P; cleanup: () => Promise<void> }>`:
 * - is called before every test and must return an EMPTY store (a fresh database, schema, key
 *   prefix, or truncated tables);
 * - must make the adapter read time only from `ctx.clock.now()` (never `Date.now()` nor the server's
 *   clock): the suites move time by hand (`clock.set`, `clock.advance`) and never sleep. The clock
 *   starts at `T0` in every test;
 * - returns `cleanup`, called after every test: close the port and drop its data.
 */
export { eventLogConformance } from './event-log-conformance.js';
export { fencedLogConformance, type FencedLog } from './fenced-log-conformance.js';
export { snapshotStoreConformance } from './snapshot-store-conformance.js';
export { workQueueConformance } from './work-queue-conformance.js';
export { lockConformance } from './lock-conformance.js';
export { externalEventStoreConformance } from './external-event-store-conformance.js';
export { instanceIndexConformance } from './instance-index-conformance.js';
export { instanceSearchConformance, type SearchableIndex } from './instance-search-conformance.js';
export { definitionStoreConformance } from './definition-store-conformance.js';
export { projectionStoreConformance } from './projection-store-conformance.js';
export { inlineWritesConformance } from './inline-writes-conformance.js';
export { persistenceConformance, type PersistenceConformanceOptions } from './persistence-conformance.js';
export { summary, snapshot, request, started, stepStarted, someEvents } from './fixtures.js';
export { manualClock, usePort, T0, type ManualClock, type ConformanceContext, type PortFactory, type PortUnderTest } from './harness.js';
