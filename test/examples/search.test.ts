import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { run } from '../../examples/search.js';

describe('the search example', () => {
  it('finds instances by status, data fields, waits and text, pages with a cursor, and verifies the index', async () => {
    const r = await run(':memory:');
    const names = (page: { items: readonly { fields: Readonly<Record<string, unknown>> }[] }) => page.items.map((s) => s.fields['customer.name']).sort();
    expect(names(r.suspended)).toEqual(['Grace', 'Linus']);
    expect(names(r.goldOver500)).toEqual(['Linus']);
    expect(names(r.waiting)).toEqual(['Ada']);
    expect(r.lastHour.items).toHaveLength(2);
    expect(r.lastHour.nextCursor).toBeDefined();
    expect(r.next.items).toHaveLength(1);
    expect(new Set([...r.lastHour.items, ...r.next.items].map((s) => s.instanceId)).size).toBe(3);
    expect(r.drift.drifted).toEqual([]);
    expect(r.drift.checked).toBe(3);
  });

  it('the README shows the example exactly as tested', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = readme.split('<!-- snippet: examples/search.ts -->')[1]?.split('```ts\n')[1]?.split('```')[0];
    expect(block).toBe(readFileSync(new URL('../../examples/search.ts', import.meta.url), 'utf8'));
  });
});
