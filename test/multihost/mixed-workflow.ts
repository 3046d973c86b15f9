import { appendFileSync } from 'node:fs';
import { workflow } from '../../src/domain/builder.js';
import type { StepContext } from '../../src/domain/step-api.js';

/** The data of a `mixed` instance. `done` collects the label of every step that proceeded. */
export type MixedData = { n: number; key: string; done: string[] };

/** The external event every instance waits for (key: `data.key`). */
export const EXT_EVENT = 'ext';

/** Every label a completed instance has in `done`, each exactly once. */
export const EXPECTED_DONE = ['begin', 'flaky', 'after-retry', 'before-timer', 'after-timer', 'after-event', 'announce', 'end'].sort();

/** Whether the test publishes the instance's event (even n) or a step of the instance does (odd n). */
export const publishedByTest = (n: number): boolean => n % 2 === 0;

export const instanceId = (n: number): string => `mixed-${String(n).padStart(4, '0')}`;
export const eventKey = (n: number): string => `key-${n}`;

/** Wall-clock time with sub-millisecond resolution, comparable across processes of one machine. */
export const wallClock = (): number => performance.timeOrigin + performance.now();

export interface MixedOptions {
  /** This host's id, written into the execution journal. */
  readonly hostId: string;
  /** File that gets a start and an end line per step execution. */
  readonly journal: string;
  /** How a step publishes the instance's event (the host's `publishEvent`). */
  readonly publish: (name: string, key: string, data: unknown) => Promise<unknown>;
}

/**
 * The multi-host workflow: a step, then four parallel branches (a step that fails on its first
 * attempt and is retried after 50 ms; a timer; a wait for an external event; a step that publishes
 * that event for odd instances), then a last step. Every execution of a step body is journalled
 * (`S`/`E` lines: time, host, instance, pointer, attempt, label) so the test can check that no two
 * hosts ran an instance's steps at the same time.
 */
export function mixedWorkflow(o: MixedOptions) {
  const journal = (mark: 'S' | 'E', ctx: StepContext<MixedData>, label: string): void => {
    appendFileSync(o.journal, `${mark} ${wallClock().toFixed(3)} ${o.hostId} ${ctx.instanceId} ${ctx.pointerId} ${ctx.attempt} ${label}\n`);
  };
  const step = (label: string, body?: (ctx: StepContext<MixedData>) => Promise<void> | void) => async (ctx: StepContext<MixedData>) => {
    journal('S', ctx, label);
    try {
      await new Promise((r) => setTimeout(r, 1));
      await body?.(ctx);
      ctx.data.done.push(label);
    } finally {
      journal('E', ctx, label);
    }
  };
  return workflow<MixedData>('mixed', 1)
    .startWith(step('begin'), 'begin')
    .parallel()
    .do((b) =>
      b
        .startWith(
          step('flaky', (ctx) => {
            if (ctx.attempt === 1) throw new Error(`first attempt of ${ctx.instanceId} fails`);
          }),
          'flaky',
        )
        .onError('retry', { interval: 50, maxRetries: 5 })
        .then(step('after-retry'), 'after-retry'),
    )
    .do((b) =>
      b
        .startWith(step('before-timer'), 'before-timer')
        .delay((d) => 20 + (d.n % 4) * 10)
        .then(step('after-timer'), 'after-timer'),
    )
    .do((b) => b.waitFor(EXT_EVENT, (d) => d.key).then(step('after-event'), 'after-event'))
    .do((b) =>
      b.startWith(
        step('announce', async (ctx) => {
          if (!publishedByTest(ctx.data.n)) await o.publish(EXT_EVENT, ctx.data.key, { by: o.hostId });
        }),
        'announce',
      ),
    )
    .join()
    .then(step('end'), 'end')
    .build();
}
