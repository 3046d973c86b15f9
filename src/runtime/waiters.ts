import { WfeError } from '../domain/errors.js';
import type { InstanceState } from '../domain/state.js';

/** Callers waiting for instances to end (or settle), woken by the reconciler after each commit. */
export class EndWaiters {
  private readonly waiters = new Map<string, Set<(state?: InstanceState) => void>>();

  /**
   * Wake everyone waiting on `instanceId` (it changed; `state`: what it changed to, so that they
   * need not load it), or everyone (the host stops).
   */
  wake(instanceId?: string, state?: InstanceState): void {
    if (instanceId === undefined) {
      for (const set of this.waiters.values()) for (const w of set) w();
      return;
    }
    const set = this.waiters.get(instanceId);
    if (set) for (const w of [...set]) w(state);
  }

  /**
   * Resolves when `load` (or a wake-up's state) gives a state `done` accepts; re-checks every `pollMs` and when woken.
   * Rejects with TIMEOUT after `timeoutMs` of real time, HOST_STOPPED when `running()` turns false.
   */
  async until(instanceId: string, load: () => Promise<InstanceState>, done: (s: InstanceState) => boolean, running: () => boolean, timeoutMs: number, pollMs: number): Promise<InstanceState> {
    const deadline = Date.now() + timeoutMs;
    let told: InstanceState | undefined;
    for (;;) {
      const state = told ?? (await load());
      told = undefined;
      if (done(state)) return state;
      if (!running()) throw new WfeError('HOST_STOPPED', 'the host stopped before the workflow ended');
      const left = deadline - Date.now();
      if (left <= 0) throw new WfeError('TIMEOUT', `workflow ${instanceId} did not end or settle in time (status ${state.status})`, { instanceId, status: state.status });
      told = await new Promise<InstanceState | undefined>((resolve) => {
        const set = this.waiters.get(instanceId) ?? new Set();
        this.waiters.set(instanceId, set);
        const done = (changed?: InstanceState) => {
          clearTimeout(t);
          set.delete(done);
          if (set.size === 0) this.waiters.delete(instanceId);
          resolve(changed);
        };
        const t = setTimeout(() => done(), Math.min(left, pollMs));
        set.add(done);
      });
    }
  }
}
