import { describe, expect, it } from 'vitest';
import { autoType, MarkerCollector, parseMarkerLine } from './output-markers.js';

describe('autoType', () => {
  it.each([
    ['true', true], ['false', false], ['null', null], ['42', 42], ['-7', -7], ['3.5', 3.5], ['1e3', 1000],
    ['007', '007'], ['1.', '1.'], ['', ''], ['TRUE', 'TRUE'], ['12345678901234567890', '12345678901234567890'], ['hello world', 'hello world'],
  ])('%j → %j', (raw, typed) => expect(autoType(raw)).toEqual(typed));
});

describe('parseMarkerLine', () => {
  it('reads name and value, the value up to the last ]', () => {
    expect(parseMarkerLine('##wfe[output version=1.2.3]')).toEqual({ name: 'version', value: '1.2.3' });
    expect(parseMarkerLine('##wfe[output list=[a]]')).toEqual({ name: 'list', value: '[a]' });
    expect(parseMarkerLine('##wfe[output a=x ##wfe[output b=y]]')).toEqual({ name: 'a', value: 'x ##wfe[output b=y]' });
  });
  it('rejects what is not a whole marker line, and prototype names', () => {
    expect(parseMarkerLine(' ##wfe[output a=1]')).toBeUndefined();
    expect(parseMarkerLine('##wfe[output a=1')).toBeUndefined();
    expect(parseMarkerLine('##wfe[output a=1] trailing')).toBeUndefined();
    expect(parseMarkerLine('##wfe[output 1a=1]')).toBeUndefined();
    expect(parseMarkerLine('##wfe[output __proto__=1]')).toBeUndefined();
  });
});

describe('MarkerCollector', () => {
  it('collects markers across chunk boundaries and a final line without newline', () => {
    const c = new MarkerCollector();
    c.push('noise\n##wfe[out');
    c.push('put a=1]\r\n##wfe[output b=tr');
    c.push('ue]');
    c.end();
    expect({ ...c.outputs }).toEqual({ a: 1, b: true });
  });
  it('skips an overlong line without losing the next one', () => {
    const c = new MarkerCollector();
    c.push(`##wfe[output big=${'x'.repeat(70_000)}`);
    c.push(`]\n##wfe[output small=1]\n`);
    expect({ ...c.outputs }).toEqual({ small: 1 });
  });
});
