import type { InstanceState } from '../domain/state.js';
import { firstLine, formatDuration, type Style } from './progress/format.js';
import type { ProgressModel } from './progress/model.js';

/** Why the wait for a run ended. */
export type RunEnd =
  | { readonly kind: 'ended' }
  | { readonly kind: 'suspended'; readonly instanceId: string; readonly reason: string }
  | { readonly kind: 'timeout'; readonly ms: number }
  | { readonly kind: 'interrupted' };

/** What the summary needs. */
export interface SummaryInput {
  readonly state: InstanceState;
  readonly end: RunEnd;
  readonly model: ProgressModel;
  readonly style: Style;
  readonly elapsedMs: number;
  readonly db: string;
  readonly defaultDb: string;
}

/**
 * The last lines of `wfe run`: the final status with step counts, why it did not complete, the
 * instance id, and how to inspect it later.
 */
export function summaryLines(s: SummaryInput): string[] {
  const { state, end, style } = s;
  const status = state.status === 'runnable' && end.kind === 'suspended' ? 'suspended' : state.status;
  const counts = new Map<string, number>();
  for (const row of s.model.rows.values()) {
    if (row.type === 'parallel' || row.type === 'workflow') continue;
    counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
  }
  const tally = ['passed', 'failed', 'skipped', 'cancelled'].filter((k) => counts.get(k)).map((k) => `${counts.get(k)} ${k}`).join(', ');
  const ok = status === 'complete' && end.kind === 'ended';
  const paint = ok ? style.green : status === 'suspended' ? style.yellow : style.red;
  const lines = ['', `${paint(style.bold(`status: ${status}`))} ${style.dim(`(${formatDuration(s.elapsedMs)}${tally ? `; ${tally}` : ''})`)}`];
  if (end.kind === 'timeout') lines.push(style.red(`timed out after ${formatDuration(end.ms)}: running steps were stopped`));
  if (end.kind === 'interrupted') lines.push(style.red('interrupted: running steps were stopped'));
  if (end.kind === 'suspended') {
    const where = end.instanceId === state.instanceId ? '' : ` (child workflow ${end.instanceId})`;
    lines.push(style.yellow(`suspended${where}: ${firstLine(end.reason)}`));
  }
  if (state.failing && status !== 'complete') lines.push(style.red(`error: ${firstLine(state.failing.message)}`));
  const dbFlag = s.db === s.defaultDb ? '' : ` --db ${s.db}`;
  lines.push(`instance: ${state.instanceId}`);
  if (s.db !== ':memory:') lines.push(style.dim(`inspect: wfe history ${state.instanceId}${dbFlag}   verify: wfe verify ${state.instanceId}${dbFlag}`));
  return lines;
}
