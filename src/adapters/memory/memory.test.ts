import { describe, expect, it } from 'vitest';
import {
  eventLogConformance,
  externalEventStoreConformance,
  fencedLogConformance,
  instanceIndexConformance,
  lockConformance,
  persistenceConformance,
  snapshotStoreConformance,
  workQueueConformance,
} from '../../../test/conformance/index.js';
import {
  createMemoryEventLog,
  createMemoryExternalEventStore,
  createMemoryInstanceIndex,
  createMemoryLockProvider,
  createMemoryPersistence,
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
fencedLogConformance('memory', async ({ clock }) => {
  const lock = createMemoryLockProvider({ clock: clock.now });
  const log = createMemoryEventLog({ clock: clock.now, checkFence: (s, f) => lock.fenceProblem(s, f) });
  return { port: { log, lock }, cleanup: noop };
});

// ...and wired together.
persistenceConformance('memory persistence', async ({ clock }) => ({ port: createMemoryPersistence({ clock: clock.now }), cleanup: noop }), {
  fencing: true,
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

describe('memory event log without a fence check', () => {
  it('stores fenced appends unchecked', async () => {
    const log = createMemoryEventLog({ clock: () => 1 });
    const [out] = await log.appendBatch([
      { streamId: 's', expectedVersion: 0, events: [{ type: 'WorkflowResumed', v: 1, at: 1 }], fence: { owner: 'x', token: 9 } },
    ]);
    expect(out?.ok).toBe(true);
  });
});
