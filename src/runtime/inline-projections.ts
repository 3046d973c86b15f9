import type { InstanceState } from '../domain/state.js';
import type { AppendOutcome } from '../ports/event-log.js';
import type { InlineWrites } from '../ports/inline-writes.js';
import type { InstanceSummary } from '../ports/instance-index.js';
import type { DefinitionLookup } from '../projections/definitions-lookup.js';
import { summarizeInstance, type IndexedDataOptions } from '../projections/instance-summary.js';
import { snapshotDue, snapshotOf } from '../projections/snapshot.js';
import type { InstanceLoader } from './instance-loader.js';
import type { Writers } from './runtime-context.js';

/**
 * The inline projections of the runtime: the instance index row goes with every append (in its
 * transaction where the log allows), a snapshot follows every `snapshotEvery` events with the hash
 * the append returned. The index row has one writer: this.
 */
export class InlineProjections {
  constructor(
    private readonly lookup: DefinitionLookup,
    private readonly indexOptions: IndexedDataOptions,
    private readonly snapshotEvery: number,
  ) {}

  summary(state: InstanceState): InstanceSummary {
    return summarizeInstance(state, this.lookup, this.indexOptions);
  }

  /** What to write with an append that leads to `after`. */
  writesFor(after: InstanceState): InlineWrites {
    return { instance: this.summary(after) };
  }

  /** After a successful append: write what the log did not, and a snapshot when one is due. */
  async afterAppend(after: InstanceState, writes: InlineWrites, outcome: Extract<AppendOutcome, { ok: true }>, writers: Writers, loader: InstanceLoader): Promise<void> {
    const pending: Promise<unknown>[] = [];
    if (!outcome.inlineWritten && writes.instance) pending.push(writers.index.add(writes.instance));
    if (snapshotDue(loader.lastSnapshotVersion(after.instanceId), after.version, this.snapshotEvery)) {
      loader.noteSnapshot(after.instanceId, after.version);
      pending.push(writers.snapshot.add(snapshotOf(after, outcome.lastHash)));
    }
    await Promise.all(pending);
  }
}
