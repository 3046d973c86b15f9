import { describe, expect, it } from 'vitest';
import {
  definitionStoreConformance,
  eventLogConformance,
  externalEventStoreConformance,
  fencedLogConformance,
  instanceIndexConformance,
  lockConformance,
  persistenceConformance,
  projectionStoreConformance,
  snapshotStoreConformance,
  workQueueConformance,
} from '../../testing/conformance/index.js';
import {
  createMemoryDefinitionStore,
  createMemoryEventLog,
  createMemoryExternalEventStore,
  createMemoryInstanceIndex,
  createMemoryLockProvider,
  createMemoryPersistence,
  createMemoryProjectionStore,
  createMemorySnapshotStore,
  createMemoryWakeupChannel,
  createMemoryWorkQueue,
} from './index.js';

const noop = async () => {};

// Each port on its own...
eventLogConformance('memory', async ({ clock }) => ({ port: createMemoryEventLog({ clock: clock.now }), cleanup: noop }));
snapshotStoreConformance('memory', async () => ({ port: createMemorySnapshotStore(), cleanup: noop }));
workQueueConformance('memory', async () => ({ port: createMemoryWorkQueue(), cleanup: noop }));
lockConformance('memory', async ({ clock }) => ({ port: createMemoryLockProvider({ clock: clock.now }), cleanup: noop }));
externalEventStoreConformance('memory', async () => ({ port: createMemoryExternalEventStore(), cleanup: noop }));
instanceIndexConformance('memory', async () => ({ port: createMemoryInstanceIndex(), cleanup: noop }));
definitionStoreConformance('memory', async () => ({ port: createMemoryDefinitionStore(), cleanup: noop }));
projectionStoreConformance('memory', async () => ({ port: createMemoryProjectionStore(), cleanup: noop }));
fencedLogConformance('memory', async ({ clock }) => {
  const lock = createMemoryLockProvider({ clock: clock.now });
  const log = createMemoryEventLog({ clock: clock.now, checkFence: (s, f) => lock.fenceProblem(s, f) });
  return { port: { log, lock }, cleanup: noop };
});

// ...and wired together.
persistenceConformance('memory persistence', async ({ clock }) => ({ port: createMemoryPersistence({ clock: clock.now }), cleanup: noop }), {
  fencing: true,
  inlineWrites: true,
});

describe('memory wakeup channel', () => {
  it('calls listeners on notify until they unsubscribe', async () => {
    const channel = createMemoryWakeupChannel();
    let calls = 0;
    const off = channel.onWakeup(() => calls++);
    await channel.notify();
    off();
    await channel.notify();
    expect(calls).toBe(1);
  });
});

describe('memory event log on its own', () => {
  it('stores fenced appends unchecked', async () => {
    const log = createMemoryEventLog({ clock: () => 1 });
    const [out] = await log.appendBatch([
      { streamId: 's', expectedVersion: 0, events: [{ type: 'WorkflowResumed', v: 1, at: 1 }], fence: { owner: 'x', token: 9 } },
    ]);
    expect(out?.ok).toBe(true);
  });

  it('leaves inline writes to the caller (inlineWritten: false)', async () => {
    const log = createMemoryEventLog({ clock: () => 1 });
    const [out] = await log.appendBatch([
      { streamId: 's', expectedVersion: 0, events: [{ type: 'WorkflowResumed', v: 1, at: 1 }], inline: { documents: [{ projection: 'p', key: 's', document: 1 }] } },
    ]);
    expect(out).toMatchObject({ ok: true, inlineWritten: false });
  });
});
