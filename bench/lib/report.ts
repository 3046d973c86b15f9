/**
 * Figures of a benchmark: each with the baseline measured in the same run and the ratio to it.
 * A benchmark prints its figures as it goes and, when `WFE_BENCH_OUT` names a file, writes them
 * there as JSON for `bench/run.ts` to gather.
 */
import { writeFileSync } from 'node:fs';
import { fmt, loadNote } from './measure.js';

export interface Figure {
  /** Which benchmark (fold, throughput, latency, loops, load). */
  readonly bench: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: { readonly name: string; readonly value: number; readonly unit: string };
  /** value / baseline (or as `ratioNote` says). */
  readonly ratio?: number;
  readonly ratioNote?: string;
  /** The target, in words, and whether this run met it. */
  readonly target?: string;
  readonly met?: boolean;
  readonly note?: string;
}

export class Report {
  readonly figures: Figure[] = [];
  constructor(readonly bench: string) {}

  add(f: Omit<Figure, 'bench'>): Figure {
    const figure: Figure = { bench: this.bench, ...f };
    this.figures.push(figure);
    console.log(`  ${describe(figure)}`);
    return figure;
  }

  note(text: string): void {
    console.log(`  · ${text}`);
  }

  /** Write the figures where the runner asked for them. */
  save(): void {
    const out = process.env.WFE_BENCH_OUT;
    if (out) writeFileSync(out, JSON.stringify({ bench: this.bench, load: loadNote(), figures: this.figures }, null, 2));
  }
}

export function describe(f: Figure): string {
  let s = `${f.name}: ${fmt(f.value)} ${f.unit}`;
  if (f.baseline) s += `  | baseline ${f.baseline.name}: ${fmt(f.baseline.value)} ${f.baseline.unit}`;
  if (f.ratio !== undefined) s += `  | ratio ${f.ratio.toPrecision(3)}${f.ratioNote ? ` (${f.ratioNote})` : ''}`;
  if (f.target) s += `  | target ${f.target}: ${f.met ? 'met' : 'MISSED'}`;
  if (f.note) s += `  [${f.note}]`;
  return s;
}

/** Run a benchmark's main as a script: print a header, save its figures, and exit (whatever handles are left open). */
export async function runAsScript(bench: string, main: (report: Report) => Promise<void>): Promise<void> {
  const report = new Report(bench);
  console.log(`\n# ${bench} (${loadNote()}, node ${process.version})`);
  let code = 0;
  try {
    await main(report);
  } catch (error) {
    console.error(error);
    code = 1;
  }
  report.save();
  process.exit(code);
}
