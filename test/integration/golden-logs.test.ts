import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/adapters/shared/hash-chain.js';
import { fold } from '../../src/domain/evolve.js';
import type { StoredEvent } from '../../src/ports/event-log.js';

/**
 * Logs recorded by released versions are replayed forever: a change that would fold an old run
 * differently, or break its hash chain, fails here first.
 */
const dir = new URL('../fixtures/releases/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('golden logs from releases', () => {
  it('there is at least one', () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    it(`${file} replays to the state it ended in, with an intact hash chain`, () => {
      const golden = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { events: StoredEvent[]; final: { status: string; data: unknown; version: number } };
      expect(verifyChain(golden.events)).toBeUndefined();
      const state = fold(undefined, golden.events.map((e) => e.event));
      expect({ status: state.status, data: state.data, version: state.version }).toEqual(golden.final);
      for (let k = 1; k < golden.events.length; k++) {
        const split = fold(fold(undefined, golden.events.slice(0, k).map((e) => e.event)), golden.events.slice(k).map((e) => e.event));
        expect(split.data).toEqual(state.data);
      }
    });
  }
});
