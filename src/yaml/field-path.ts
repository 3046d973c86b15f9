/**
 * A data path as written in `when.field` and step `inputs[].path`: `.inputs.x` (a workflow input),
 * `.outputs.x` (an output of the workflow or of a step), or `.a.b.0` (any data). All three read the
 * workflow data: inputs and outputs both live at its top level.
 */
export interface FieldPath {
  readonly scope: 'inputs' | 'outputs' | 'data';
  /** Segments below the data root. */
  readonly segments: readonly string[];
}

/** Parses a field path; throws an Error saying what was expected. */
export function parseFieldPath(text: string): FieldPath {
  const body = text.startsWith('.') ? text.slice(1) : text;
  const segments = body.split('.');
  if (!body || segments.some((s) => s === '')) {
    throw new Error(`bad field path '${text}' (expected .inputs.NAME, .outputs.NAME or .a.b.0)`);
  }
  const [first, ...rest] = segments;
  if (first === 'inputs' || first === 'outputs') {
    if (!rest.length) throw new Error(`bad field path '${text}' (expected a name after .${first})`);
    return { scope: first, segments: rest };
  }
  return { scope: 'data', segments };
}

/**
 * Reads a path from the data. At each level a key may also be two segments joined by a dot, so
 * `.build.stdout` finds the `build.stdout` key a shell step named `build` writes.
 */
export function readField(data: unknown, segments: readonly string[]): { found: boolean; value: unknown } {
  let current: unknown = data;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (Array.isArray(current)) {
      const index = /^\d+$/.test(seg) ? Number(seg) : NaN;
      if (!(index < current.length)) return { found: false, value: undefined };
      current = current[index];
    } else if (typeof current === 'object' && current !== null) {
      const obj = current as Record<string, unknown>;
      const next = segments[i + 1];
      if (Object.prototype.hasOwnProperty.call(obj, seg)) current = obj[seg];
      else if (next !== undefined && Object.prototype.hasOwnProperty.call(obj, `${seg}.${next}`)) {
        current = obj[`${seg}.${next}`];
        i++;
      } else return { found: false, value: undefined };
    } else return { found: false, value: undefined };
  }
  return { found: true, value: current };
}
