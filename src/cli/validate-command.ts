import { existsSync } from 'node:fs';
import { formatIssue, loadWorkflows, validateFile } from '../yaml/index.js';
import { CliError, EXIT } from './cli-error.js';
import { configFrom } from './cli-input.js';
import type { TextOut } from './progress/views.js';

/** Options of `wfe validate`. */
export interface ValidateOptions {
  readonly config?: string;
  readonly configFile?: string;
}

/**
 * `wfe validate FILE`: prints every problem as `file:line:column: message` and returns 1, or
 * prints `ok` with the file's workflows and returns 0. Nothing runs.
 */
export function validateCommand(file: string, options: ValidateOptions, out: TextOut): number {
  if (!existsSync(file)) throw new CliError(`${file} does not exist`);
  const config = configFrom(options);
  const issues = validateFile(file, { config });
  if (issues.length) {
    out.write(`${issues.map(formatIssue).join('\n')}\n${issues.length} error${issues.length === 1 ? '' : 's'} in ${file}\n`);
    return EXIT.failed;
  }
  const ids = loadWorkflows(file, { config }).definitions.map((d) => `${d.id}@${d.version}`);
  out.write(`ok: ${file} (${ids.length} workflow${ids.length === 1 ? '' : 's'}: ${ids.join(', ')})\n`);
  return EXIT.ok;
}
