import { jsonEqual } from '../domain/json.js';
import { parseFieldPath, readField } from './field-path.js';
import { COMBINATORS, COMPARISON_OPS, type ConditionSpec } from './spec.js';

/** A compiled `when`: true runs the step, false skips it. */
export type DataPredicate = (data: unknown) => boolean;

/**
 * Compiles a `when` condition (already validated: one op per leaf, one combinator per node).
 * A leaf whose field is missing from the data is false, whatever its operator.
 */
export function compileCondition(spec: ConditionSpec): DataPredicate {
  const node = spec as Record<string, unknown>;
  if ('field' in node) {
    const { segments } = parseFieldPath(String(node.field));
    const op = COMPARISON_OPS.find((o) => o in node)!;
    const expected = node[op];
    return (data) => {
      const { found, value } = readField(data, segments);
      return found && compare(op, value, expected);
    };
  }
  const combinator = COMBINATORS.find((c) => c in node)!;
  if (combinator === 'not') {
    const inner = compileCondition(node.not as ConditionSpec);
    return (data) => !inner(data);
  }
  const parts = (node[combinator] as ConditionSpec[]).map(compileCondition);
  switch (combinator) {
    case 'all':
      return (data) => parts.every((p) => p(data));
    case 'any':
      return (data) => parts.some((p) => p(data));
    case 'none':
      return (data) => !parts.some((p) => p(data));
    case 'one_of':
      return (data) => parts.filter((p) => p(data)).length === 1;
  }
}

function compare(op: (typeof COMPARISON_OPS)[number], actual: unknown, expected: unknown): boolean {
  switch (op) {
    case 'equals':
      return jsonEqual(actual, expected);
    case 'not_equals':
      return !jsonEqual(actual, expected);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const comparable = (typeof actual === 'number' && typeof expected === 'number') || (typeof actual === 'string' && typeof expected === 'string');
      if (!comparable) return false;
      const a = actual as number | string;
      const b = expected as number | string;
      return op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : a <= b;
    }
    case 'contains':
      if (typeof actual === 'string') return typeof expected === 'string' && actual.includes(expected);
      if (Array.isArray(actual)) return actual.some((x) => jsonEqual(x, expected));
      if (typeof actual === 'object' && actual !== null) return typeof expected === 'string' && Object.prototype.hasOwnProperty.call(actual, expected);
      return false;
    case 'is_null':
      return actual === null;
    case 'is_not_null':
      return actual !== null && actual !== undefined;
  }
}
