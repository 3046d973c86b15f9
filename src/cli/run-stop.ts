import { isTerminal } from '../domain/state.js';
import type { WorkflowHost } from '../runtime/host.js';
import type { RunCanceller } from './run-canceller.js';

/** After `--timeout` or Ctrl-C: how long on_failure / ensure handlers may run before everything is killed. */
export const CANCEL_GRACE_MS = 30_000;

/**
 * Kill running steps and let the failure run its handlers; whatever has not ended after the grace
 * period is killed and terminated.
 */
export async function cancelRun(host: WorkflowHost, rootId: string, instanceIds: () => readonly string[], canceller: RunCanceller, reason: string): Promise<void> {
  canceller.cancel(reason);
  const ended = await host.waitForCompletion(rootId, { timeoutMs: CANCEL_GRACE_MS }).then(() => true, () => false);
  if (ended) return;
  canceller.kill(reason);
  await stopInstances(host, instanceIds(), canceller, reason);
}

/**
 * Kill the running steps of these instances and terminate the ones that have not ended. The
 * engine does not end a child workflow when the step that called it is cancelled, nor when its
 * parent ends: the command does, so no step of the run outlives it.
 */
export async function stopInstances(host: WorkflowHost, ids: readonly string[], canceller: RunCanceller, reason: string): Promise<void> {
  const open: string[] = [];
  for (const id of ids) {
    const state = await host.getWorkflow(id).catch(() => undefined);
    if (state && !isTerminal(state.status)) open.push(id);
  }
  for (const id of open) canceller.killInstance(id, reason);
  for (const id of open.reverse()) {
    try {
      const state = await host.getWorkflow(id);
      if (!isTerminal(state.status)) await host.terminateWorkflow(id, reason);
    } catch {
      // Ended meanwhile: nothing to stop.
    }
  }
}

/**
 * True for a child workflow whose parent has ended: a leftover of a run that stopped before its
 * children (an older `wfe run`, or one killed with -9). Such an instance has nobody waiting for it.
 */
export async function orphanOfEndedRun(host: WorkflowHost, instanceId: string): Promise<boolean> {
  const parent = /^(.*)\.\d+\.\d+$/.exec(instanceId)?.[1];
  if (!parent) return false;
  const state = await host.getWorkflow(parent).catch(() => undefined);
  return state !== undefined && isTerminal(state.status);
}
