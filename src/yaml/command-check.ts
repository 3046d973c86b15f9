import { allSteps, isRecord, workflowsOf } from './step-walk.js';
import type { YamlIssue } from './yaml-issue.js';
import type { YamlSource } from './yaml-source.js';

/**
 * Characters a command may not contain: C0 controls but tab and line feed (a NUL cuts the command
 * short where the shell reads it, a carriage return or a backspace hides text from whoever reads
 * it in a terminal), DEL, C1 controls, and the bidirectional overrides that reorder what an
 * editor shows ("Trojan Source").
 */
const FORBIDDEN = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

const NAMES: Record<number, string> = { 0: 'NUL', 8: 'backspace', 0x0b: 'vertical tab', 0x0c: 'form feed', 0x0d: 'carriage return', 0x1b: 'escape', 0x7f: 'DEL' };

/** The config keys whose values are commands or name what runs, by step type. */
const COMMAND_KEYS: Record<string, readonly string[]> = {
  shell: ['run', 'file', 'shell', 'working_dir'],
  deno: ['script', 'file'],
};

/**
 * Control characters in what a step runs (`run`, `file`, `shell`, `working_dir`, `script`, and
 * `env` values), each reported where the value is written and where in the value it is.
 */
export function commandIssues(source: YamlSource, file: unknown): YamlIssue[] {
  const issues: YamlIssue[] = [];
  for (const { wf, path } of workflowsOf(file)) {
    for (const { step, path: stepPath } of allSteps(wf.steps, [...path, 'steps'])) {
      if (step.parallel !== undefined || !isRecord(step.config)) continue;
      const type = typeof step.type === 'string' ? step.type : 'shell';
      const config = step.config;
      for (const key of COMMAND_KEYS[type] ?? []) check(config[key], [...stepPath, 'config', key], `${key} of step '${String(step.name)}'`);
      if (isRecord(config.env)) for (const [name, value] of Object.entries(config.env)) check(value, [...stepPath, 'config', 'env', name], `env ${name} of step '${String(step.name)}'`);
    }
  }
  return issues;

  function check(value: unknown, at: readonly (string | number)[], what: string): void {
    if (typeof value !== 'string') return;
    const m = FORBIDDEN.exec(value);
    if (!m) return;
    const before = value.slice(0, m.index);
    const line = before.split('\n').length;
    const column = m.index - before.lastIndexOf('\n');
    const code = m[0].codePointAt(0)!;
    const name = NAMES[code] ?? (code >= 0x202a ? 'a bidirectional override' : 'a control character');
    const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    issues.push(source.issue(at, `${what} contains ${hex} (${name}) at line ${line}, column ${column} of its text: commands may not contain control characters other than tab and line feed`));
  }
}
