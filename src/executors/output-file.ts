import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WfeError } from '../domain/errors.js';
import { autoType, MAX_OUTPUT_BYTES, MAX_OUTPUTS, OUTPUT_NAME, UNSAFE_OUTPUT_NAMES } from './output-markers.js';

/**
 * The per-step output file a shell step's script finds in `$WFE_OUTPUT` (GitHub Actions'
 * `$GITHUB_OUTPUT`): one `NAME=VALUE` line per output, or a multi-line value as
 *
 * ```
 * NAME<<DELIMITER
 * line 1
 * line 2
 * DELIMITER
 * ```
 *
 * `$WFE_OUTPUT_DELIMITER` holds a random delimiter made for this execution, which no workflow data
 * can contain (the data was fixed before it was made). Values are typed like stdout markers.
 */
export interface OutputFile {
  /** The file's path (`$WFE_OUTPUT`). */
  readonly path: string;
  /** A fresh random heredoc delimiter (`$WFE_OUTPUT_DELIMITER`). */
  readonly delimiter: string;
  /** Parses what the script wrote; throws `WfeError('EXECUTOR_FAILED')` naming the line of a malformed entry. */
  read(stepName: string): Promise<Record<string, boolean | null | number | string>>;
  /** Removes the file and its private directory. */
  dispose(): Promise<void>;
}

/** Makes an empty output file in a private directory (mode 0700) for one step execution. */
export async function createOutputFile(): Promise<OutputFile> {
  const dir = await mkdtemp(join(tmpdir(), 'wfe-step-'));
  const path = join(dir, 'output');
  await writeFile(path, '', { mode: 0o600 });
  const delimiter = `wfe_eof_${randomBytes(12).toString('hex')}`;
  return {
    path,
    delimiter,
    async read(stepName) {
      const size = (await stat(path)).size;
      if (size > MAX_OUTPUT_BYTES) {
        throw new WfeError('EXECUTOR_FAILED', `step '${stepName}' wrote ${size} bytes to $WFE_OUTPUT (at most ${MAX_OUTPUT_BYTES} bytes of outputs per step)`);
      }
      return parseOutputFile((await readFile(path)).toString('utf8'), stepName);
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Parses `$WFE_OUTPUT` text: `NAME=VALUE` lines and `NAME<<DELIMITER` blocks; blank lines are
 * ignored and one `\r` before each line end is dropped. Lines are split at `\n` only, so a value
 * may hold `\r` or Unicode line separators. Throws naming the line of anything else.
 */
export function parseOutputFile(text: string, stepName: string): Record<string, boolean | null | number | string> {
  const outputs: Record<string, boolean | null | number | string> = Object.create(null) as Record<string, never>;
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines[lines.length - 1] === '') lines.pop();
  const fail = (line: number, why: string): never => {
    throw new WfeError('EXECUTOR_FAILED', `step '${stepName}': $WFE_OUTPUT line ${line}: ${why}`, { line });
  };
  const set = (line: number, name: string, value: string): void => {
    if (!OUTPUT_NAME.test(name) || UNSAFE_OUTPUT_NAMES.has(name)) fail(line, `bad output name ${JSON.stringify(name.slice(0, 80))} (expected letters, digits, _ . -, starting with a letter or _)`);
    if (!(name in outputs) && Object.keys(outputs).length >= MAX_OUTPUTS) fail(line, `more than ${MAX_OUTPUTS} outputs`);
    outputs[name] = autoType(value);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const heredoc = /^([^=<]*)<<(.+)$/.exec(line);
    const eq = line.indexOf('=');
    if (heredoc && (eq < 0 || eq > line.indexOf('<<'))) {
      const [, name = '', delimiter = ''] = heredoc;
      const end = lines.indexOf(delimiter, i + 1);
      if (end < 0) fail(i + 1, `the value of '${name}' starts here but no line '${delimiter}' ends it`);
      set(i + 1, name, lines.slice(i + 1, end).join('\n'));
      i = end;
    } else if (eq > 0) {
      set(i + 1, line.slice(0, eq), line.slice(eq + 1));
    } else {
      fail(i + 1, `expected NAME=VALUE or NAME<<DELIMITER, got ${JSON.stringify(line.slice(0, 80))}`);
    }
  }
  return outputs;
}
