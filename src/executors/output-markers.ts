/**
 * `##wfe[output NAME=VALUE]` lines on a shell step's stdout set the step's outputs.
 *
 * A marker is a whole line: it starts at the line's first character and ends with `]` (trailing
 * whitespace and `\r` allowed). The value is everything between the first `=` and the last `]`,
 * so a value may itself contain `]` or `##wfe[` without starting another marker.
 */
const MARKER = /^##wfe\[output ([A-Za-z_][A-Za-z0-9_.-]*)=(.*)\][ \t\r]*$/;
/** What an output name looks like (markers and `$WFE_OUTPUT`). */
export const OUTPUT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const MAX_LINE = 64 * 1024;
/** Outputs one step may set. */
export const MAX_OUTPUTS = 1000;
/** Bytes of output values a step may set in total: outputs go into the data and the log. */
export const MAX_OUTPUT_BYTES = 1024 * 1024;
/** Names that would reach an object's prototype when merged into the data. */
export const UNSAFE_OUTPUT_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Types a marker value: `true`/`false` → boolean, `null` → null, integers and decimal numbers →
 * number (only when they round-trip exactly), anything else stays a string.
 */
export function autoType(raw: string): boolean | null | number | string {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'null') return null;
  if (/^-?(0|[1-9]\d*)$/.test(raw)) {
    const n = Number(raw);
    return Number.isSafeInteger(n) ? n : raw;
  }
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) {
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw;
  }
  return raw;
}

/** Parses one line; undefined when it is not a marker. */
export function parseMarkerLine(line: string): { name: string; value: boolean | null | number | string } | undefined {
  const m = MARKER.exec(line);
  if (!m || UNSAFE_OUTPUT_NAMES.has(m[1]!)) return undefined;
  return { name: m[1]!, value: autoType(m[2]!) };
}

/**
 * Collects markers from a stream of stdout chunks, line by line, however the chunks split. The
 * shell executor honours them only in a step whose environment holds no workflow data (see
 * `runShellStep`): stdout cannot tell a script's own marker from data it printed.
 */
export class MarkerCollector {
  readonly outputs: Record<string, boolean | null | number | string> = Object.create(null) as Record<string, never>;
  /** Marker lines ignored: they went past 1000 outputs or 1 MiB in total. */
  readonly ignored: string[] = [];
  private partial = '';
  private overlong = false;
  private bytes = 0;

  push(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (this.overlong) this.overlong = false;
      else this.line(line);
    }
    if (this.partial.length > MAX_LINE) {
      this.partial = '';
      this.overlong = true;
    }
  }

  /** Handles the last line when the stream ends without a newline. */
  end(): void {
    if (!this.overlong && this.partial) this.line(this.partial);
    this.partial = '';
  }

  private line(raw: string): void {
    if (!raw.startsWith('##wfe[')) return;
    const line = raw.replace(/\r$/, '');
    const marker = parseMarkerLine(line);
    if (!marker) return;
    const size = line.length;
    if (Object.keys(this.outputs).length >= MAX_OUTPUTS || this.bytes + size > MAX_OUTPUT_BYTES) {
      this.ignored.push(line);
      return;
    }
    this.bytes += size;
    this.outputs[marker.name] = marker.value;
  }
}
