import { activeLine, ANSI, type Style } from './format.js';
import { isEnded, type ProgressModel, type ProgressRow } from './model.js';

/** Where progress goes: lines that stay, and (in a terminal) a live part redrawn in place. */
export interface ProgressView {
  /** Print lines that stay on screen. */
  print(lines: readonly string[]): void;
  /** Redraw the live part (running steps, their durations). */
  refresh(): void;
  /** Remove the live part and restore the cursor. */
  close(): void;
}

/** A writable text stream, as much as the views need of it. */
export interface TextOut {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

/** Not a terminal: plain lines, one per change, nothing redrawn. */
export class PlainView implements ProgressView {
  constructor(private readonly out: TextOut) {}
  print(lines: readonly string[]): void {
    if (lines.length) this.out.write(`${lines.join('\n')}\n`);
  }
  refresh(): void {}
  close(): void {}
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Cut a styled line to `width` visible characters (so the terminal never wraps a live line). */
export function fitWidth(line: string, width: number): string {
  if (line.replace(ANSI, '').length <= width) return line;
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; ) {
    const m = line.slice(i).match(/^\x1b\[[0-9;?]*[A-Za-z]/);
    if (m) {
      out += m[0];
      i += m[0].length;
      continue;
    }
    if (visible >= width - 1) break;
    out += line[i];
    visible++;
    i++;
  }
  return `${out}…\x1b[0m`;
}

/**
 * A terminal: finished steps are printed once and scroll up like plain lines; below them, a live
 * part lists what runs now (spinner, elapsed time, retries), redrawn in place with ANSI cursor
 * moves. Plain ANSI keeps the package free of a rendering dependency.
 */
export class TtyView implements ProgressView {
  private liveLines = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly out: TextOut,
    private readonly model: ProgressModel,
    private readonly style: Style,
    private readonly now: () => number = Date.now,
    tickMs = 100,
  ) {
    this.out.write('\x1b[?25l');
    if (tickMs > 0) {
      this.timer = setInterval(() => this.refresh(), tickMs);
      this.timer.unref();
    }
  }

  print(lines: readonly string[]): void {
    if (this.closed) {
      if (lines.length) this.out.write(`${lines.join('\n')}\n`);
      return;
    }
    this.clear();
    if (lines.length) this.out.write(`${lines.join('\n')}\n`);
    this.draw();
  }

  refresh(): void {
    if (this.closed) return;
    this.frame++;
    this.clear();
    this.draw();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.clear();
    this.out.write('\x1b[?25h');
  }

  private clear(): void {
    if (this.liveLines > 0) this.out.write(`\x1b[${this.liveLines}A\x1b[0J`);
    this.liveLines = 0;
  }

  private draw(): void {
    const width = Math.max(20, (this.out.columns || 80) - 1);
    const room = Math.max(3, (this.out.rows || 24) - 2);
    const spinner = SPINNER[this.frame % SPINNER.length]!;
    const active = activeRows(this.model);
    const shown = active.length > room ? active.slice(0, room - 1) : active;
    const lines = shown.map((row) => fitWidth(activeLine(row, this.style, this.now(), spinner), width));
    if (shown.length < active.length) lines.push(this.style.dim(`  … ${active.length - shown.length} more running`));
    if (!lines.length) return;
    this.out.write(`${lines.join('\n')}\n`);
    this.liveLines = lines.length;
  }
}

/** Rows still going, parents before their children, in the order they appeared. */
export function activeRows(model: ProgressModel): ProgressRow[] {
  const out: ProgressRow[] = [];
  const visit = (row: ProgressRow): void => {
    if (!isEnded(row) && row.startedAt !== undefined) out.push(row);
    for (const key of row.children) {
      const child = model.rows.get(key);
      if (child) visit(child);
    }
  };
  for (const row of model.roots) visit(row);
  return out;
}
