/**
 * Engine bug found by generating data changes in parallel branches (shrunk counterexamples in
 * test/fixtures/golden-logs/concurrent-array-patches.json). The runtime runs every runnable pointer
 * of a pass against the same state, records each step's changes as patches against that state, and
 * `decide` applies them one after the other. When one branch removes from the front of a shared
 * array and another changes the element at its last index, the second patch addresses an index that
 * is gone:
 * - changed in place (`list[2].v += 1`): `applyDataPatches` throws a TypeError inside `decide`,
 *   which is not a `WfeError`, so `decide` throws instead of returning a Left; the host reports it on
 *   `host:error` and retries the instance forever (it never ends);
 * - replaced (`list[2] = x`): the array gets a hole, so the workflow data is not JSON any more, and
 *   differs from the same state after a JSON round trip (a snapshot).
 * Fixed: `applyDataPatches` drops a patch whose target is gone (deterministic, total, keeps the data
 * JSON); these are now regression tests.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findNonJson } from '../../src/domain/json.js';
import { drive, HostEngine } from '../property/support/engines.js';
import { buildScenario, type Node, type Scenario } from '../property/support/scenario.js';
import { jsonCopy } from '../property/support/checks.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/golden-logs/concurrent-array-patches.json', import.meta.url), 'utf8')) as {
  throws: Scenario;
  hole: Scenario;
};

/** The same steps one after the other: what the branches would do without sharing a pass. */
function sequential(sc: Scenario): Scenario {
  const flat = (nodes: readonly Node[]): Node[] => nodes.flatMap((n) => (n.k === 'parallel' ? n.branches.flatMap(flat) : [n]));
  return { ...sc, steps: flat(sc.steps) };
}

async function run(sc: Scenario) {
  const b = buildScenario(sc);
  const engine = await new HostEngine(b).open();
  try {
    const { final } = await drive(engine, sc, b);
    return { final, errors: engine.errors.map((e) => `${e.where}: ${e.error instanceof Error ? e.error.message : String(e.error)}`) };
  } finally {
    await engine.close();
  }
}

describe('patches of parallel branches that touch one array', () => {
  it('reproduces: the same steps one after the other complete with JSON data', async () => {
    for (const sc of [fixture.throws, fixture.hole]) {
      const { final, errors } = await run(sequential(sc));
      expect(final.status).toBe('complete');
      expect(findNonJson(final.data)).toBeUndefined();
      expect(errors).toEqual([]);
    }
  });

  // BUG (domain/runtime): decide throws a TypeError out of applyDataPatches; the instance never ends.
  it('a removal in one branch and an in-place change in another: the instance still ends, without host errors', async () => {
    const { final, errors } = await run(fixture.throws);
    expect(errors).toEqual([]);
    expect(final.status).toBe('complete');
  });

  // BUG (domain/runtime): the data gets a hole ([x, <empty>, y]): not JSON, not equal to its JSON copy.
  it('a removal in one branch and a replacement in another: the data stays JSON', async () => {
    const { final } = await run(fixture.hole);
    expect(findNonJson(final.data)).toBeUndefined();
    expect(jsonCopy(final.data)).toStrictEqual(final.data);
  });
});
