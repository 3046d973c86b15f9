/**
 * Declared types of workflow inputs and outputs:
 * `string`, `number`, `integer`, `bool` (or `boolean`), `any`, `list<T>`, `map<T>`, and `T?`
 * (null or absent allowed).
 */
export type ValueType =
  | { readonly kind: 'string' | 'number' | 'integer' | 'bool' | 'any'; readonly optional: boolean }
  | { readonly kind: 'list' | 'map'; readonly of: ValueType; readonly optional: boolean };

/** Parses a type; throws an Error whose message says what was expected. */
export function parseValueType(text: string): ValueType {
  let pos = 0;
  const src = text.replace(/\s+/g, '');
  const parse = (): ValueType => {
    const m = /^(string|number|integer|int|boolean|bool|any|list|map)/.exec(src.slice(pos));
    if (!m) throw new Error(`unknown type '${text}' (expected string, number, integer, bool, any, list<T>, map<T>, or T?)`);
    pos += m[1]!.length;
    const word = m[1]!;
    let type: ValueType;
    if (word === 'list' || word === 'map') {
      if (src[pos] !== '<') throw new Error(`type '${text}': expected '<' after ${word}`);
      pos++;
      const of = parse();
      if (src[pos] !== '>') throw new Error(`type '${text}': expected '>' to close ${word}<`);
      pos++;
      type = { kind: word, of, optional: false };
    } else {
      const kind = word === 'boolean' ? 'bool' : word === 'int' ? 'integer' : (word as 'string' | 'number' | 'integer' | 'bool' | 'any');
      type = { kind, optional: false };
    }
    if (src[pos] === '?') {
      pos++;
      type = { ...type, optional: true };
    }
    return type;
  };
  const type = parse();
  if (pos !== src.length) throw new Error(`unknown type '${text}' (expected string, number, integer, bool, any, list<T>, map<T>, or T?)`);
  return type;
}

/** Writes a type back as text. */
export function formatValueType(t: ValueType): string {
  const base = t.kind === 'list' || t.kind === 'map' ? `${t.kind}<${formatValueType(t.of)}>` : t.kind;
  return t.optional ? `${base}?` : base;
}

/** Problems with `value` against `type`, each as `where: expected X, got Y`; empty when it fits. */
export function checkValue(type: ValueType, value: unknown, where: string): string[] {
  if (value === undefined || value === null) {
    return type.optional || type.kind === 'any' ? [] : [`${where}: expected ${formatValueType(type)}, got ${value === null ? 'null' : 'nothing'}`];
  }
  const bad = (): string[] => [`${where}: expected ${formatValueType(type)}, got ${describe(value)}`];
  switch (type.kind) {
    case 'any':
      return [];
    case 'string':
      return typeof value === 'string' ? [] : bad();
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? [] : bad();
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? [] : bad();
    case 'bool':
      return typeof value === 'boolean' ? [] : bad();
    case 'list':
      return Array.isArray(value) ? value.flatMap((v, i) => checkValue(type.of, v, `${where}[${i}]`)) : bad();
    case 'map':
      return typeof value === 'object' && !Array.isArray(value)
        ? Object.entries(value).flatMap(([k, v]) => checkValue(type.of, v, `${where}.${k}`))
        : bad();
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  const text = JSON.stringify(value) ?? String(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}
