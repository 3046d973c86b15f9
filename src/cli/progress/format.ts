import type { Json } from '../../domain/json.js';
import type { ProgressRow } from './model.js';

/** ANSI styles, or none. */
export interface Style {
  readonly green: (s: string) => string;
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly cyan: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

/** ANSI escape sequences (colours, cursor moves). */
export const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;

/** Colours for a terminal. */
export const COLOR: Style = { green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), cyan: wrap(36, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
/** No colours (pipes, files, `NO_COLOR`). */
export const PLAIN: Style = { green: String, red: String, yellow: String, cyan: String, dim: String, bold: String };

/** Colours when the stream is a terminal, unless `NO_COLOR` is set; `FORCE_COLOR` forces them. */
export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  if (env.NO_COLOR) return PLAIN;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return COLOR;
  return stream.isTTY ? COLOR : PLAIN;
}

/** `0.4s`, `12.3s`, `2m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function shortValue(v: Json): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  const line = text.replace(/\s*\n\s*/g, ' ');
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

/** `a=1, b=text` for a step's outputs, at most `max` characters. */
export function formatOutputs(outputs: readonly (readonly [string, Json])[], max = 160): string {
  const text = outputs.map(([k, v]) => `${k}=${shortValue(v)}`).join(', ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The first line of an error message. */
export function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? '';
}

const indent = (row: ProgressRow) => '  '.repeat(row.depth);
const label = (row: ProgressRow) => (row.role ? `${row.name} (${row.role})` : row.name);
const elapsed = (row: ProgressRow, now: number) => formatDuration((row.endedAt ?? row.bodyEndedAt ?? now) - (row.startedAt ?? now));

/** The line for a group that begins: `▸ tests: parallel`, `▸ preflight: workflow preflight`. */
export function groupLine(row: ProgressRow, style: Style): string {
  const what = row.type === 'workflow' ? `workflow ${row.child ?? ''}`.trim() : row.type;
  return `${indent(row)}${style.cyan('▸')} ${label(row)}${style.dim(`: ${what}`)}`;
}

/** The line for a step that ended: `✓ build 1.2s`, `✗ test 0.4s: <error>`, `- deploy skipped`. */
export function endLine(row: ProgressRow, style: Style, now = Date.now()): string {
  const pad = indent(row);
  switch (row.status) {
    case 'passed': {
      const outputs = row.type === 'parallel' ? '' : formatOutputs(row.outputs);
      const attempts = row.retries > 0 ? style.dim(` (attempt ${row.retries + 1})`) : '';
      return `${pad}${style.green('✓')} ${label(row)} ${style.dim(elapsed(row, now))}${attempts}${outputs ? style.dim(` → ${outputs}`) : ''}`;
    }
    case 'failed':
      return `${pad}${style.red('✗')} ${label(row)} ${style.dim(elapsed(row, now))}${row.error ? `: ${style.red(firstLine(row.error.message))}` : ''}`;
    case 'skipped':
      return `${pad}${style.dim('-')} ${label(row)} ${style.dim('skipped')}`;
    case 'cancelled':
      return `${pad}${style.dim('⊘')} ${label(row)} ${style.dim('cancelled')}`;
    default:
      return activeLine(row, style, now, '…');
  }
}

/** The line for a step that failed and will run again. */
export function retryLine(row: ProgressRow, style: Style, now = Date.now()): string {
  const when = row.retry ? `retry ${row.retry.count} in ${formatDuration(row.retry.inMs)}` : 'retrying';
  return `${indent(row)}${style.yellow('↻')} ${label(row)} ${style.dim(elapsed(row, now))}: ${firstLine(row.error?.message ?? 'failed')} ${style.yellow(`(attempt ${row.retries} failed; ${when})`)}`;
}

/** The line for a step still going, with a spinner frame. */
export function activeLine(row: ProgressRow, style: Style, now: number, spinner: string): string {
  const pad = indent(row);
  if (row.status === 'retrying') return retryLine(row, style, now);
  const what = row.type === 'workflow' ? style.dim(` (workflow ${row.child ?? '…'})`) : row.type === 'parallel' ? style.dim(' (parallel)') : '';
  return `${pad}${style.cyan(spinner)} ${label(row)}${what} ${style.dim(elapsed(row, now))}`;
}

/**
 * The last lines of a failed step's captured output (from the error's details), indented: its
 * stderr, or its stdout when stderr holds nothing but wfe's own notes.
 */
export function failureTail(row: ProgressRow, style: Style, maxLines = 12): string[] {
  const details = row.error?.details ?? {};
  const linesOf = (k: string) => (typeof details[k] === 'string' ? (details[k] as string) : '').replace(ANSI, '').replace(/\s+$/, '').split('\n').filter((l) => l !== '');
  const stderr = linesOf('stderr').filter((l) => !l.startsWith('[wfe: '));
  const lines = stderr.length ? stderr : linesOf('stdout');
  if (!lines.length) return [];
  const shown = lines.slice(-maxLines);
  const pad = `${indent(row)}  `;
  return [...(lines.length > shown.length ? [`${pad}${style.dim(`│ … ${lines.length - shown.length} earlier line(s)`)}`] : []), ...shown.map((l) => `${pad}${style.dim('│')} ${l}`)];
}
