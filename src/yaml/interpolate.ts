import type { Json } from '../domain/json.js';
import type { DocPath } from './yaml-source.js';

/**
 * `((a.b.c))` or `${{ a.b.c }}`: a value from the config map. `((` right after `$` is left alone,
 * so shell arithmetic such as `$((i + 1))` is not mistaken for interpolation; so is anything
 * whose inside is not a dotted path.
 */
const PLACEHOLDER = /(?<!\$)\(\(\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\)\)|\$\{\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}\}/g;

const WHOLE = new RegExp(`^(?:${PLACEHOLDER.source})$`);

/** A placeholder whose path is not in the config map. */
export interface InterpolationProblem {
  readonly path: DocPath;
  readonly message: string;
}

/**
 * Substitutes placeholders in every string value of a parsed document (never in keys, never in
 * YAML text). A string that is exactly one placeholder takes the config value as it is (a number
 * stays a number); a placeholder inside a longer string is replaced by the value's text (JSON for
 * objects and arrays). Top-level keys starting with `_` (templates) are skipped: their content is
 * checked where it is used.
 */
export function interpolate(value: unknown, config: Readonly<Record<string, unknown>>, problems: InterpolationProblem[]): unknown {
  return walk(value, config, [], problems, true);
}

function walk(value: unknown, config: Readonly<Record<string, unknown>>, path: DocPath, problems: InterpolationProblem[], top = false): unknown {
  if (typeof value === 'string') return substitute(value, config, path, problems);
  if (Array.isArray(value)) return value.map((v, i) => walk(v, config, [...path, i], problems));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = top && k.startsWith('_') ? v : walk(v, config, [...path, k], problems);
    return out;
  }
  return value;
}

function substitute(text: string, config: Readonly<Record<string, unknown>>, path: DocPath, problems: InterpolationProblem[]): unknown {
  const whole = WHOLE.exec(text);
  if (whole) {
    const found = lookup(config, (whole[1] ?? whole[2])!);
    if (found.ok) return found.value;
    problems.push({ path, message: found.message });
    return text;
  }
  return text.replace(PLACEHOLDER, (match, a: string | undefined, b: string | undefined) => {
    const found = lookup(config, (a ?? b)!);
    if (!found.ok) {
      problems.push({ path, message: found.message });
      return match;
    }
    const v = found.value;
    return typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  });
}

/** Walks the config map: first segment a config key, later ones object keys or array indexes. */
export function lookup(config: Readonly<Record<string, unknown>>, dotted: string): { ok: true; value: Json } | { ok: false; message: string } {
  const segments = dotted.split('.');
  let current: unknown = config;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const here = typeof current === 'object' && current !== null && Object.prototype.hasOwnProperty.call(current, seg);
    if (!here) {
      const known = typeof current === 'object' && current !== null ? Object.keys(current).slice(0, 10) : [];
      const where = i === 0 ? 'the config map' : `config '${segments.slice(0, i).join('.')}'`;
      return {
        ok: false,
        message: `unknown interpolation path '${dotted}': ${where} has no '${seg}'${known.length ? ` (it has: ${known.join(', ')})` : ' (it is empty or not an object)'}`,
      };
    }
    current = (current as Record<string, unknown>)[seg];
  }
  return { ok: true, value: (current ?? null) as Json };
}
