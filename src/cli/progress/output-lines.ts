import type { StepOutputEvent } from '../../yaml/index.js';

/**
 * Turns chunks of step output into whole lines, per instance, step and stream, so lines from
 * steps running at the same time are never mixed inside one line.
 */
export class OutputLines {
  private readonly partial = new Map<string, string>();

  /** The complete lines in this chunk (the rest is kept until the next chunk or `flush`). */
  push(e: StepOutputEvent): string[] {
    const key = `${e.instanceId}\u0000${e.stepName}\u0000${e.stream}`;
    const text = (this.partial.get(key) ?? '') + e.text;
    const lines = text.split('\n');
    const rest = lines.pop() ?? '';
    if (rest) this.partial.set(key, rest);
    else this.partial.delete(key);
    return lines.map((l) => l.replace(/\r$/, ''));
  }

  /** Whatever is left of a step's lines without a final newline. */
  flush(instanceId: string, stepName: string): { stream: 'stdout' | 'stderr'; line: string }[] {
    const out: { stream: 'stdout' | 'stderr'; line: string }[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const key = `${instanceId}\u0000${stepName}\u0000${stream}`;
      const rest = this.partial.get(key);
      if (rest) out.push({ stream, line: rest });
      this.partial.delete(key);
    }
    return out;
  }
}
