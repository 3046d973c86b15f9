import { existsSync } from 'node:fs';
import { formatIssue, parseWorkflows, readWorkflowFile, validateWorkflowText } from '../yaml/index.js';
import { CliError, EXIT } from './cli-error.js';
import { configFrom, sizeFrom } from './cli-input.js';
import type { TextOut } from './progress/views.js';

/** Options of `wfe validate`. */
export interface ValidateOptions {
  readonly config?: string;
  readonly configFile?: string;
  /** Largest workflow file read (`5MB`, `512KB`, bytes). Default 1 MiB. */
  readonly maxFileSize?: string;
}

/**
 * `wfe validate FILE`: prints every problem as `file:line:column: message` and returns 1, or
 * prints `ok` with the file's workflows and returns 0. Nothing runs. A file it cannot read (too
 * large, not a regular file) throws a `CliError` (exit 2).
 */
export function validateCommand(file: string, options: ValidateOptions, out: TextOut): number {
  if (!existsSync(file)) throw new CliError(`${file} does not exist`);
  const config = configFrom(options);
  const maxBytes = sizeFrom(options.maxFileSize);
  const read = readWorkflowFile(file, maxBytes);
  // A file that cannot be read was not checked: exit 2, not 1.
  if (read.unreadable) throw new CliError(formatIssue(read.issue!));
  const issues = read.text === undefined ? [read.issue!] : validateWorkflowText(read.text, { file, config, maxBytes });
  if (issues.length) {
    out.write(`${issues.map(formatIssue).join('\n')}\n${issues.length} error${issues.length === 1 ? '' : 's'} in ${file}\n`);
    return EXIT.failed;
  }
  const ids = parseWorkflows(read.text!, { file, config, maxBytes }).definitions.map((d) => `${d.id}@${d.version}`);
  out.write(`ok: ${file} (${ids.length} workflow${ids.length === 1 ? '' : 's'}: ${ids.join(', ')})\n`);
  return EXIT.ok;
}
