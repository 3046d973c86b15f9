import { EMPTY_STATE, fold } from '../domain/evolve.js';
import type { InstanceState } from '../domain/state.js';
import type { EventLog, StoredEvent } from '../ports/event-log.js';
import type { StreamChange } from './projection.js';

/**
 * Instance states of the streams a runner is reading, so that each change comes with the state
 * before and after it. Kept for the most recently used streams; a stream not kept is folded from
 * the log up to the version before the change.
 */
export class StreamStates {
  private readonly states = new Map<string, InstanceState>();

  constructor(
    private readonly log: EventLog,
    private readonly max = 10_000,
  ) {}

  /** The change made by `events` (consecutive versions of one stream, in order). */
  async change(streamId: string, events: readonly StoredEvent[]): Promise<StreamChange> {
    const first = events[0]!.version;
    let before = this.states.get(streamId);
    if (!before || before.version !== first - 1) {
      before = first === 1 ? EMPTY_STATE : fold(undefined, (await this.log.read(streamId, 1, first - 1)).map((e) => e.event));
    }
    const after = fold(before.version === 0 ? undefined : before, events.map((e) => e.event));
    this.states.delete(streamId);
    this.states.set(streamId, after);
    if (this.states.size > this.max) this.states.delete(this.states.keys().next().value!);
    return { streamId, before, after, events: events.map((e) => ({ version: e.version, event: e.event, meta: e.meta })) };
  }

  forget(streamId: string): void {
    this.states.delete(streamId);
  }
}

/** Split a page of the log into runs per stream (each stream's events stay in version order). */
export function groupByStream(page: readonly StoredEvent[]): Map<string, StoredEvent[]> {
  const m = new Map<string, StoredEvent[]>();
  for (const e of page) {
    const run = m.get(e.streamId);
    if (run) run.push(e);
    else m.set(e.streamId, [e]);
  }
  return m;
}
