import { describe, expect, it } from 'vitest';
import { interpolate, type InterpolationProblem } from './interpolate.js';

const run = (value: unknown, config: Record<string, unknown>) => {
  const problems: InterpolationProblem[] = [];
  return { value: interpolate(value, config, problems), problems };
};

describe('interpolate', () => {
  const config = { region: 'eu', db: { port: 5432, hosts: ['a', 'b'] }, flag: true };
  it('replaces placeholders in strings, keeping the type of a whole-string placeholder', () => {
    expect(run({ a: '((region))', b: 'x-((region))-${{ db.port }}', c: '((db.port))', d: '${{db.hosts.1}}', e: '((db))', f: 'v=((flag))' }, config).value).toEqual({
      a: 'eu', b: 'x-eu-5432', c: 5432, d: 'b', e: { port: 5432, hosts: ['a', 'b'] }, f: 'v=true',
    });
  });
  it('leaves shell arithmetic and non-paths alone', () => {
    const text = 'echo $((1+2)) $((region)) (( i > 0 )) ((1+2))';
    expect(run(text, config)).toEqual({ value: text, problems: [] });
  });
  it('never touches keys or `_` templates', () => {
    expect(run({ '((region))': 1, _t: { x: '((nope))' } }, config)).toEqual({ value: { '((region))': 1, _t: { x: '((nope))' } }, problems: [] });
  });
  it('a substituted value is data, not YAML: it cannot add keys or steps', () => {
    const { value } = run({ run: '((evil))' }, { evil: 'x\nsteps:\n  - name: injected' });
    expect(value).toEqual({ run: 'x\nsteps:\n  - name: injected' });
  });
  it('names the unknown path and where it stops', () => {
    expect(run({ list: ['ok', '((db.user))'] }, config).problems).toEqual([
      { path: ['list', 1], message: "unknown interpolation path 'db.user': config 'db' has no 'user' (it has: port, hosts)" },
    ]);
  });
});
