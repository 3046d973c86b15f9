import { either as E } from 'fp-ts';
import type { Command } from '../domain/commands.js';
import { decide } from '../domain/decide.js';
import { WfeError } from '../domain/errors.js';
import type { InstanceState } from '../domain/state.js';
import type { EventMeta } from '../ports/event-log.js';
import { commitAndReconcile } from './instance-worker.js';
import type { Reconciler } from './reconcile.js';
import type { RuntimeContext } from './runtime-context.js';

/**
 * Commands applied to an instance from outside its normal flow (suspend, resume, terminate, data
 * changes): under the instance's lease, queued before the append so that a crash in between cannot
 * leave a resumed instance with nobody to run it.
 */
export class Control {
  constructor(
    private readonly rt: RuntimeContext,
    private readonly reconciler: Reconciler,
  ) {}

  async apply(instanceId: string, command: Command, meta: EventMeta = this.rt.hostMeta): Promise<InstanceState> {
    const running = this.run(instanceId, command, meta);
    const { commanding } = this.rt.work;
    commanding.set(instanceId, running);
    try {
      return await running;
    } finally {
      if (commanding.get(instanceId) === running) commanding.delete(instanceId);
    }
  }

  private async run(instanceId: string, command: Command, meta: EventMeta): Promise<InstanceState> {
    const { rt } = this;
    for (let tries = 0; ; tries++) {
      await rt.work.inflight.get(instanceId)?.catch(() => undefined);
      const lease = await rt.p.lock.acquire(instanceId, rt.opts.hostId, rt.opts.leaseMs);
      if (!lease) {
        if (tries > 200) throw new WfeError('TIMEOUT', `instance ${instanceId} stayed locked by another worker`);
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      try {
        const state = await rt.loader.load(instanceId);
        if (!state) throw new WfeError('UNKNOWN_INSTANCE', `no workflow instance ${instanceId}`, { instanceId });
        const reg = rt.registry.resolve(state.definitionId, state.definitionVersion);
        // Decide first to refuse an invalid command with its own error before anything is written.
        const r = decide(reg.definition, state, command, { now: rt.opts.clock.now() });
        if (E.isLeft(r)) throw r.left;
        await rt.writers.enqueue.add({ instanceId, dueAt: rt.opts.clock.now() });
        const next = await commitAndReconcile(rt, this.reconciler, reg, state, [command], lease, meta);
        if (next === 'conflict') continue;
        rt.wake();
        return next === 'idle' ? state : next;
      } finally {
        await rt.p.lock.release(lease).catch(() => undefined);
      }
    }
  }
}
