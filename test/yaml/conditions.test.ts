import { describe, expect, it } from 'vitest';
import { parseWorkflows } from '../../src/yaml/index.js';

/** The compiled `when` predicate of a one-step workflow with this condition. */
function when(condition: string): (data: unknown) => boolean {
  const text = `workflow:
  id: c
  inputs: { n: number?, s: string?, l: list<any>?, m: map<any>?, nothing: any? }
  outputs: { 'out': string? }
  steps:
    - name: a
      config: { run: "true" }
      when: ${condition}
`;
  const loaded = parseWorkflows(text);
  const fn = loaded.registry.get('yaml:c@1:a:when');
  if (fn?.kind !== 'fn') throw new Error('no when');
  return fn.fn as (data: unknown) => boolean;
}

describe('when: operators', () => {
  it.each<[string, unknown, boolean]>([
    ['{ field: .inputs.n, equals: 3 }', { n: 3 }, true],
    ['{ field: .inputs.n, equals: 3 }', { n: 4 }, false],
    ['{ field: .inputs.m, equals: { a: [1] } }', { m: { a: [1] } }, true],
    ['{ field: .inputs.n, not_equals: 3 }', { n: 4 }, true],
    ['{ field: .inputs.n, gt: 3 }', { n: 4 }, true],
    ['{ field: .inputs.n, gt: 3 }', { n: 3 }, false],
    ['{ field: .inputs.n, gte: 3 }', { n: 3 }, true],
    ['{ field: .inputs.n, lt: 3 }', { n: 2 }, true],
    ['{ field: .inputs.n, lte: 3 }', { n: 4 }, false],
    ['{ field: .inputs.s, lt: b }', { s: 'a' }, true],
    ['{ field: .inputs.s, gt: 3 }', { s: '9' }, false],
    ['{ field: .inputs.s, contains: ell }', { s: 'hello' }, true],
    ['{ field: .inputs.l, contains: 2 }', { l: [1, 2] }, true],
    ['{ field: .inputs.m, contains: k }', { m: { k: 1 } }, true],
    ['{ field: .inputs.nothing, is_null: true }', { nothing: null }, true],
    ['{ field: .inputs.nothing, is_not_null: true }', { nothing: 0 }, true],
    ['{ field: .inputs.nothing, is_not_null: true }', { nothing: null }, false],
    ['{ field: .outputs.out, equals: ok }', { out: 'ok' }, true],
    ['{ field: .l.1, equals: b }', { l: ['a', 'b'] }, true],
    ['{ field: .m.deep.x, equals: 1 }', { m: { deep: { x: 1 } } }, true],
    ['{ field: .a.stdout, contains: done }', { 'a.stdout': 'all done\n' }, true],
  ])('%s on %j → %s', (cond, data, expected) => expect(when(cond)(data)).toBe(expected));

  it.each(['equals: 1', 'not_equals: 1', 'gt: 0', 'lt: 9', 'contains: x', 'is_null: true', 'is_not_null: true'])('a missing field is false: %s', (op) => {
    expect(when(`{ field: .inputs.n, ${op} }`)({})).toBe(false);
    expect(when(`{ field: .m.a.b, ${op} }`)({ m: 5 })).toBe(false);
  });
});

describe('when: combinators', () => {
  const n = (op: string) => `{ field: .inputs.n, ${op} }`;
  it.each<[string, number, boolean]>([
    [`{ all: [${n('gt: 1')}, ${n('lt: 5')}] }`, 3, true],
    [`{ all: [${n('gt: 1')}, ${n('lt: 5')}] }`, 6, false],
    [`{ any: [${n('equals: 1')}, ${n('equals: 2')}] }`, 2, true],
    [`{ any: [${n('equals: 1')}, ${n('equals: 2')}] }`, 3, false],
    [`{ none: [${n('equals: 1')}, ${n('equals: 2')}] }`, 3, true],
    [`{ none: [${n('equals: 1')}, ${n('equals: 2')}] }`, 1, false],
    [`{ one_of: [${n('gt: 1')}, ${n('gt: 2')}] }`, 2, true],
    [`{ one_of: [${n('gt: 1')}, ${n('gt: 2')}] }`, 3, false],
    [`{ not: ${n('equals: 1')} }`, 1, false],
    [`{ not: { all: [${n('gt: 1')}, { any: [${n('equals: 3')}] }] } }`, 3, false],
  ])('%s with n=%d → %s', (cond, value, expected) => expect(when(cond)({ n: value })).toBe(expected));
});
