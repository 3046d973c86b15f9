import type { Persistence } from '../../ports/persistence.js';
import { definitionStoreConformance } from './definition-store-conformance.js';
import { eventLogConformance } from './event-log-conformance.js';
import { externalEventStoreConformance } from './external-event-store-conformance.js';
import { fencedLogConformance } from './fenced-log-conformance.js';
import type { PortFactory } from './harness.js';
import { inlineWritesConformance } from './inline-writes-conformance.js';
import { instanceIndexConformance } from './instance-index-conformance.js';
import { lockConformance } from './lock-conformance.js';
import { projectionStoreConformance } from './projection-store-conformance.js';
import { snapshotStoreConformance } from './snapshot-store-conformance.js';
import { workQueueConformance } from './work-queue-conformance.js';

export interface PersistenceConformanceOptions {
  /** Also run the fenced-append suite: the log checks fences against `persistence.lock`. */
  readonly fencing?: boolean;
  /** Also run the inline-writes suite: the log writes `inline` projections in the append's transaction. */
  readonly inlineWrites?: boolean;
}

function pick<K extends keyof Persistence>(factory: PortFactory<Persistence>, key: K): PortFactory<NonNullable<Persistence[K]>> {
  return async (ctx) => {
    const { port, cleanup } = await factory(ctx);
    return { port: port[key] as NonNullable<Persistence[K]>, cleanup };
  };
}

/** Every port suite against the ports of one `Persistence` (a fresh one per test). */
export function persistenceConformance(name: string, factory: PortFactory<Persistence>, options: PersistenceConformanceOptions = {}): void {
  eventLogConformance(name, pick(factory, 'log'));
  snapshotStoreConformance(name, pick(factory, 'snapshots'));
  workQueueConformance(name, pick(factory, 'queue'));
  lockConformance(name, pick(factory, 'lock'));
  externalEventStoreConformance(name, pick(factory, 'events'));
  instanceIndexConformance(name, pick(factory, 'instances'));
  definitionStoreConformance(name, pick(factory, 'definitions'));
  projectionStoreConformance(name, pick(factory, 'projections'));
  if (options.inlineWrites) inlineWritesConformance(name, factory, { fencing: options.fencing === true });
  if (options.fencing) {
    fencedLogConformance(name, async (ctx) => {
      const { port, cleanup } = await factory(ctx);
      return { port: { log: port.log, lock: port.lock }, cleanup };
    });
  }
}
