import { describe, expect, it } from 'vitest';
import { isWfeError } from '../domain/errors.js';
import type { InstanceSummary } from '../ports/instance-index.js';
import {
  compareText,
  decodeCursor,
  encodeCursor,
  fieldMatches,
  matchesSearch,
  searchDocuments,
  textTerms,
  tokenize,
  validateSearchQuery,
} from './search-query.js';

const doc = (instanceId: string, extra: Partial<InstanceSummary> = {}): InstanceSummary => ({
  instanceId,
  definitionId: 'order',
  definitionVersion: 1,
  status: 'runnable',
  createdAt: 10,
  updatedAt: 10,
  version: 1,
  waiting: [],
  sleeping: [],
  failedSteps: [],
  fields: {},
  text: '',
  ...extra,
});

const invalid = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (isWfeError(e, 'INVALID_QUERY')) return e.message;
    throw e;
  }
  throw new Error('expected INVALID_QUERY');
};

describe('search query reference', () => {
  it('tokenizes into lower-case runs of letters and digits, NFC first', () => {
    expect(tokenize('Order-7, ACME_corp!  Straße e\u0301t\u00e9 ')).toEqual(['order', '7', 'acme', 'corp', 'straße', '\u00e9t\u00e9']);
    expect(tokenize('  ')).toEqual([]);
  });

  it('makes the last token of a word ending in * a prefix', () => {
    expect(textTerms('ord* foo-ba* x')).toEqual([
      { token: 'ord', prefix: true },
      { token: 'foo', prefix: false },
      { token: 'ba', prefix: true },
      { token: 'x', prefix: false },
    ]);
    expect(textTerms('* -')).toEqual([]);
  });

  it('compares strings by code point, astral characters after the BMP', () => {
    expect(compareText('a', 'b')).toBeLessThan(0);
    expect(compareText('B', 'a')).toBeLessThan(0);
    expect(compareText('ab', 'a')).toBeGreaterThan(0);
    expect(compareText('\uffff', '😀')).toBeLessThan(0); // UTF-16 order would say the opposite
    expect(compareText('x😀', 'x😀')).toBe(0);
  });

  it('compares field values only with values of their own type', () => {
    expect(fieldMatches(10, { field: 'f', op: 'gt', value: 9 })).toBe(true);
    expect(fieldMatches('10', { field: 'f', op: 'gt', value: 9 })).toBe(false);
    expect(fieldMatches('10', { field: 'f', op: 'lt', value: '9' })).toBe(true);
    expect(fieldMatches(undefined, { field: 'f', op: 'eq', value: null })).toBe(true);
    expect(fieldMatches(undefined, { field: 'f', op: 'ne', value: 'x' })).toBe(true);
    expect(fieldMatches(false, { field: 'f', op: 'eq', value: 0 })).toBe(false);
  });

  it('matches every criterion together', () => {
    const d = doc('a', { text: 'Invoice ACME', fields: { total: 5 }, waiting: [{ step: 's', eventName: 'paid', eventKey: 'k' }] });
    expect(matchesSearch(d, { text: 'acme invo*', waitingFor: 'paid', where: [{ field: 'total', op: 'gte', value: 5 }] })).toBe(true);
    expect(matchesSearch(d, { text: 'acme invo', waitingFor: 'paid' })).toBe(false);
    expect(matchesSearch(d, { completedFrom: 0 })).toBe(false);
  });

  it('round-trips a cursor and refuses one of another query', () => {
    const v = validateSearchQuery({ status: 'runnable' });
    const c = encodeCursor({ key: 12, id: 'x' }, v.fingerprint);
    expect(decodeCursor(c, v.fingerprint)).toEqual({ key: 12, id: 'x' });
    expect(validateSearchQuery({ status: 'runnable', limit: 3, cursor: c }).after).toEqual({ key: 12, id: 'x' });
    expect(invalid(() => validateSearchQuery({ status: 'failed', cursor: c }))).toMatch(/cursor belongs to another query/);
    expect(invalid(() => validateSearchQuery({ cursor: 'xyz' }))).toMatch(/cursor/);
  });

  it('names the bad part of a malformed query', () => {
    expect(invalid(() => validateSearchQuery({ status: 'done' as never }))).toMatch(/status has an unknown status "done"/);
    expect(invalid(() => validateSearchQuery({ limit: 0 }))).toMatch(/limit must be an integer from 1 to 1000/);
    expect(invalid(() => validateSearchQuery({ createdFrom: 5, createdTo: 4 }))).toMatch(/createdFrom \(5\) is after createdTo \(4\)/);
    expect(invalid(() => validateSearchQuery({ where: [{ field: 'a', op: 'eq', value: [1] as never }] }))).toMatch(/where\[0\]\.value/);
    expect(invalid(() => validateSearchQuery({ where: [{ field: 'a', op: 'gte', value: null }] }))).toMatch(/where\[0\]\.value of "gte"/);
    expect(invalid(() => validateSearchQuery({ sort: { by: 'name' as never, order: 'asc' } }))).toMatch(/sort\.by/);
    expect(invalid(() => validateSearchQuery({ satus: 'failed' } as never))).toMatch(/satus is not a search criterion/);
  });

  it('pages in sort order with a missing completion last both ways', () => {
    const docs = [doc('a', { completedAt: 5 }), doc('b'), doc('c', { completedAt: 3 }), doc('d', { completedAt: 5 })];
    const order = (o: 'asc' | 'desc') => searchDocuments(docs, { sort: { by: 'completedAt', order: o } }).items.map((d) => d.instanceId);
    expect(order('asc')).toEqual(['c', 'a', 'd', 'b']);
    expect(order('desc')).toEqual(['d', 'a', 'c', 'b']);
    const first = searchDocuments(docs, { sort: { by: 'completedAt', order: 'asc' }, limit: 3 });
    expect(first.items.map((d) => d.instanceId)).toEqual(['c', 'a', 'd']);
    const rest = searchDocuments(docs, { sort: { by: 'completedAt', order: 'asc' }, limit: 3, cursor: first.nextCursor! });
    expect(rest.items.map((d) => d.instanceId)).toEqual(['b']);
    expect(rest.nextCursor).toBeUndefined();
  });
});
