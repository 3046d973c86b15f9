import type { WorkflowEvent } from '../domain/events.js';
import type { Json } from '../domain/json.js';
import type { InstanceState } from '../domain/state.js';
import type { EventMeta } from '../ports/event-log.js';

/** An event as projections see it: the domain event with its stream version and envelope meta. */
export interface ProjectedEvent {
  readonly version: number;
  readonly event: WorkflowEvent;
  readonly meta: EventMeta;
}

/**
 * What one append (or one run of a stream's events read from the log) changed: the events, in
 * version order, and the instance state before and after them. `before` is the empty state for a
 * new stream. Projections read facts from `after` (status, data, pointers) and from the events.
 */
export interface StreamChange {
  readonly streamId: string;
  readonly before: InstanceState;
  readonly after: InstanceState;
  readonly events: readonly ProjectedEvent[];
}

/**
 * A projection: a pure fold of stream changes into documents by key.
 * - `inline`: applied by the runtime to each append, written with it (in its transaction where the
 *   store allows): readers see it as soon as the append returns.
 * - `async`: applied by a runner that reads the whole log from a checkpoint.
 *
 * The rule every projection keeps (a property test checks the built-in ones): applying one change
 * that covers events a..c gives the same document as applying a..b and then b..c. That lets the
 * runtime apply a whole pass at once and the runner a whole page.
 */
export interface Projection<D = Json> {
  readonly name: string;
  /** Bump when `apply` changes meaning: stored documents of another version are rebuilt. */
  readonly version: number;
  readonly lifecycle: 'inline' | 'async';
  /** The documents this change touches (usually the stream's own). */
  keysOf(change: StreamChange): readonly string[];
  /** The document before anything happened to `key`. */
  init(key: string): D;
  /**
   * True when `apply` ignores the stored document (it computes the whole document from the change,
   * as the instance index does): the runner then does not read documents before applying.
   */
  readonly replaces?: boolean;
  /** The document after the change; `null` deletes it. Pure: no I/O, no clock. */
  apply(doc: D, change: StreamChange, key: string): D | null;
}
