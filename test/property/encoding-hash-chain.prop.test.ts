/**
 * Determinism property 5: encoding round trip and the hash chain.
 * Every event `decide` produces is plain JSON: `JSON.parse(JSON.stringify(e))` deep-equals it (no
 * `undefined` members, no class instances), its canonical JSON is unchanged by the round trip, and
 * the log stores exactly that. The stored stream verifies with `verifyChain`, and changing any one
 * byte of one event's canonical JSON, of its hash, or of its envelope makes verification fail at
 * that event.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/adapters/shared/hash-chain.js';
import { canonicalJson, findNonJson } from '../../src/domain/json.js';
import type { WorkflowEvent } from '../../src/domain/events.js';
import type { StoredEvent } from '../../src/ports/event-log.js';
import { propertyParams, timeoutFor } from './support/config.js';
import { runPure } from './support/engines.js';
import { buildScenario, scenarioArb } from './support/scenario.js';
import { expectGapless, expectSame, jsonCopy } from './support/checks.js';

const DIGITS = '0123456789';
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const OTHERS = ' !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** A different character of the same class (a digit for a digit, ...), so that the edit often still parses. */
function replacement(c: string, offset: number): string {
  const set = DIGITS.includes(c) ? DIGITS : LETTERS.includes(c) ? LETTERS : OTHERS;
  const i = set.indexOf(c);
  const shift = 1 + (offset % (set.length - 1));
  return i < 0 ? set[offset % set.length]! : set[(i + shift) % set.length]!;
}

// Positions are taken modulo the length: fc.double would favour the very first and last byte.
const tamperArb = fc.record({
  which: fc.nat({ max: 1_000_000 }),
  at: fc.nat({ max: 1_000_000 }),
  offset: fc.nat({ max: 1000 }),
  target: fc.constantFrom('event', 'event', 'event', 'hash', 'envelope'),
});

describe('property 5: encoding round trip and hash chain', () => {
  it('events are plain JSON, stored as decided; the chain verifies; one changed byte anywhere fails it', async () => {
    let edits = 0;
    let parsedEdits = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb(), fc.array(tamperArb, { minLength: 1, maxLength: 4 }), async (sc, tampers) => {
        const { engine } = await runPure(buildScenario(sc), sc);
        const decided: WorkflowEvent[] = engine.events;
        for (const e of decided) {
          expect(findNonJson(e)).toBeUndefined();
          const decoded = JSON.parse(JSON.stringify(e)) as WorkflowEvent;
          expectSame(decoded, e, `JSON round trip of ${e.type}`);
          expect(canonicalJson(decoded)).toBe(canonicalJson(e));
        }
        const stored = await engine.history();
        expectGapless(stored);
        expectSame(stored.map((s) => s.event), decided, 'stored events vs decided events');
        expectSame(jsonCopy(stored), stored, 'JSON round trip of the stored envelopes');
        expect(verifyChain(stored)).toBeUndefined();

        for (const t of tampers) {
          const i = t.which % stored.length;
          const original = stored[i]!;
          let changed: StoredEvent | undefined;
          if (t.target === 'event') {
            const text = canonicalJson(original.event);
            const at = t.at % text.length;
            const edited = text.slice(0, at) + replacement(text[at]!, t.offset) + text.slice(at + 1);
            expect(edited).not.toBe(text);
            edits++;
            let event: WorkflowEvent;
            try {
              event = JSON.parse(edited) as WorkflowEvent;
            } catch {
              continue; // the edit is caught before the hash is even checked: it no longer decodes
            }
            parsedEdits++;
            // One byte of canonical JSON changed and it still decodes: it is a different value.
            expect(canonicalJson(event)).not.toBe(text);
            changed = { ...original, event };
          } else if (t.target === 'hash') {
            const at = t.at % original.hash.length;
            const hex = '0123456789abcdef';
            const c = original.hash[at]!;
            const swapped = hex[(hex.indexOf(c) + 1 + (t.offset % 15)) % 16]!;
            changed = { ...original, hash: original.hash.slice(0, at) + swapped + original.hash.slice(at + 1) };
          } else {
            const fields = [
              { ...original, recordedAt: original.recordedAt + 1 + (t.offset % 1000) },
              { ...original, streamId: `${original.streamId}x` },
              { ...original, meta: { ...original.meta, actor: `${original.meta.actor ?? ''}!` } },
            ];
            changed = fields[t.offset % fields.length];
          }
          const tampered = stored.map((s, j) => (j === i ? changed! : s));
          const problem = verifyChain(tampered);
          expect(problem, `tampering with ${t.target} of version ${original.version}`).toBeDefined();
          expect(problem?.version).toBe(original.version);
        }
      }),
      propertyParams(),
    );
    expect(edits).toBeGreaterThan(0);
    expect(parsedEdits).toBeGreaterThan(0);
  }, timeoutFor(30));
});
