import { describe, expect, it } from 'vitest';
import { workflow } from '../../src/domain/builder.js';
import { createMemoryPersistence } from '../../src/adapters/memory/index.js';
import { WorkflowHost } from '../../src/runtime/host.js';

describe('smoke', () => {
  it('runs a three-step workflow to completion', async () => {
    const host = new WorkflowHost({ persistence: createMemoryPersistence(), pollInterval: 20 });
    host.registerWorkflow(
      workflow<{ log: string[] }>('three', 1)
        .startWith((ctx) => { ctx.data.log.push('a'); })
        .then((ctx) => { ctx.data.log.push('b'); })
        .then((ctx) => { ctx.data.log.push('c'); })
        .build(),
    );
    await host.start();
    const id = await host.startWorkflow('three', { data: { log: [] } });
    const state = await host.waitForCompletion(id, { timeoutMs: 5000 });
    await host.stop();
    expect(state.status).toBe('complete');
    expect(state.data).toEqual({ log: ['a', 'b', 'c'] });
  });
});
