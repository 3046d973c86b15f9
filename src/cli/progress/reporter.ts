import type { WorkflowEvent } from '../../domain/events.js';
import type { StepOutputEvent } from '../../yaml/index.js';
import { endLine, failureTail, groupLine, retryLine, type Style } from './format.js';
import { isEnded, type ProgressChange, type ProgressModel, type ProgressRow } from './model.js';
import { OutputLines } from './output-lines.js';
import type { ProgressView } from './views.js';

/** Options of a {@link ProgressReporter}. */
export interface ReporterOptions {
  /** Print steps' output lines as they come (`--stream-output`). */
  readonly streamOutput: boolean;
  readonly now?: () => number;
}

/**
 * Connects a run's telemetry to a view: feeds the model, prints a line for each group that begins
 * and each step that ends (with the tail of a failed step's output when output is not streamed),
 * and, when asked, every output line of every step as it comes, prefixed with the step's name.
 */
export class ProgressReporter {
  private readonly lines = new OutputLines();
  private readonly now: () => number;

  constructor(
    readonly model: ProgressModel,
    private readonly view: ProgressView,
    private readonly style: Style,
    private readonly options: ReporterOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The `step:started` hook. */
  stepStarted(e: { instanceId: string; pointerId: number; attempt: number }): void {
    this.model.stepStarted(e);
    this.view.refresh();
  }

  /** The `events:appended` hook; returns the changes (the caller watches for workflow ends). */
  eventsAppended(instanceId: string, events: readonly WorkflowEvent[]): ProgressChange[] {
    const changes = this.model.apply(instanceId, events);
    const out: string[] = [];
    for (const change of changes) {
      if (change.kind === 'group-started') out.push(groupLine(change.row, this.style));
      else if (change.kind === 'retry') out.push(retryLine(change.row, this.style, this.now()));
      else if (change.kind === 'ended') {
        out.push(...this.flushOutput(change.row));
        out.push(endLine(change.row, this.style, this.now()));
        if (change.row.status === 'failed' && !this.options.streamOutput) out.push(...failureTail(change.row, this.style));
      } else if (change.instanceId !== this.model.rootInstanceId && change.status === 'suspended') {
        out.push(this.style.yellow(`‖ child workflow ${change.instanceId} suspended: ${change.reason ?? ''}`));
      }
    }
    if (out.length) this.view.print(out);
    else if (changes.length) this.view.refresh();
    return changes;
  }

  /** The executor's output hook (only used with `--stream-output`). */
  output(e: StepOutputEvent): void {
    if (!this.options.streamOutput) return;
    const lines = this.lines.push(e);
    if (!lines.length) return;
    const row = this.findRow(e.instanceId, e.stepName);
    this.view.print(lines.map((line) => this.outputLine(row, e.stepName, e.stream, line)));
  }

  private flushOutput(row: ProgressRow): string[] {
    if (!this.options.streamOutput || row.type === 'parallel') return [];
    return this.lines.flush(row.instanceId, row.name).map((l) => this.outputLine(row, row.name, l.stream, l.line));
  }

  private outputLine(row: ProgressRow | undefined, name: string, stream: string, line: string): string {
    const pad = '  '.repeat((row?.depth ?? 0) + 1);
    const tag = stream === 'stderr' ? this.style.yellow(`[${name} stderr]`) : this.style.dim(`[${name}]`);
    return `${pad}${tag} ${line}`;
  }

  private findRow(instanceId: string, stepName: string): ProgressRow | undefined {
    let found: ProgressRow | undefined;
    for (const row of this.model.rows.values()) {
      if (row.instanceId === instanceId && row.name === stepName && (!found || !isEnded(row))) found = row;
    }
    return found;
  }
}
