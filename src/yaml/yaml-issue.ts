import { WfeError } from '../domain/errors.js';

/** One problem in a workflow file, where it is, and what was expected. */
export interface YamlIssue {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly message: string;
  /** Where in the parsed document, e.g. `workflows[0].steps[2].config`. */
  readonly path: string;
}

/** `file:line:column: message`. */
export function formatIssue(issue: YamlIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.message}`;
}

/**
 * The load error for a list of issues: `WfeError('YAML_INVALID')` whose message lists each as
 * `file:line:column: message`, with the issues themselves in `details.issues`.
 */
export function yamlInvalid(issues: readonly YamlIssue[]): WfeError {
  const sorted = sortIssues(issues);
  const message =
    sorted.length === 1
      ? formatIssue(sorted[0]!)
      : `${sorted.length} errors in ${sorted[0]?.file ?? 'workflow file'}:\n${sorted.map((i) => `  ${formatIssue(i)}`).join('\n')}`;
  return new WfeError('YAML_INVALID', message, { issues: sorted });
}

/** By position, duplicates (same place, same message) removed. */
export function sortIssues(issues: readonly YamlIssue[]): YamlIssue[] {
  const seen = new Set<string>();
  return [...issues]
    .sort((a, b) => a.line - b.line || a.column - b.column)
    .filter((i) => {
      const key = `${i.line}:${i.column}:${i.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** A path as written in messages: `workflows[0].steps[2].config`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(document)';
}
