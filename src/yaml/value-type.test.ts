import { describe, expect, it } from 'vitest';
import { checkValue, formatValueType, parseValueType } from './value-type.js';

describe('value types', () => {
  it.each(['string', 'number', 'integer', 'bool', 'any', 'string?', 'list<string>', 'map<list<integer?>>?'])('%s round-trips', (t) => {
    expect(formatValueType(parseValueType(t))).toBe(t);
  });
  it('accepts boolean and int as aliases', () => {
    expect(formatValueType(parseValueType('boolean'))).toBe('bool');
    expect(formatValueType(parseValueType('list< int >'))).toBe('list<integer>');
  });
  it.each(['strin', 'list', 'list<>', 'map<string', 'string??', 'int3ger'])('%s is rejected', (t) => {
    expect(() => parseValueType(t)).toThrow(/type/);
  });
  it.each<[string, unknown, number]>([
    ['string', 'x', 0], ['string', 1, 1], ['integer', 1.5, 1], ['integer', 2, 0], ['number', 1.5, 0], ['bool', 'true', 1],
    ['string?', null, 0], ['string?', undefined, 0], ['string', undefined, 1], ['any', undefined, 0],
    ['list<integer>', [1, 'a', 2.5], 2], ['map<bool>', { a: true, b: 1 }, 1], ['list<string>', 'x', 1],
  ])('%s vs %j: %d problem(s)', (t, v, n) => expect(checkValue(parseValueType(t), v, 'v')).toHaveLength(n));
  it('says where and what', () => {
    expect(checkValue(parseValueType('list<integer>'), [1, 'a'], 'input tags')).toEqual(['input tags[1]: expected integer, got string "a"']);
  });
});
