import type { WorkflowDefinition } from '../domain/definition.js';
import type { InstanceSummary } from '../ports/instance-index.js';
import type { Persistence } from '../ports/persistence.js';
import { countersProjection, type Counters } from './counters.js';
import type { DefinitionLookup } from './definitions-lookup.js';
import { instanceSummaryProjection, type IndexedDataOptions } from './instance-summary.js';
import type { Projection } from './projection.js';
import { documentSink, indexSink, type ProjectionSink } from './sinks.js';
import { stepRowsProjection, type StepRows } from './step-rows.js';

/** A projection bound to where its documents live. */
export interface BoundProjection<D = unknown> {
  readonly projection: Projection<D>;
  /** The live sink (`name` omitted) or a shadow one for rebuilds. */
  sink(name?: string): ProjectionSink<D>;
  /** Switch a shadow sink in for the live one (async projections). */
  swap?(shadow: string): Promise<void>;
}

/**
 * The built-in projections on one persistence: the instance index (inline), step rows and counters
 * (async, in the projection store). Snapshots are checked separately (`verifySnapshots`): they are a
 * cache of state, not documents of a fold.
 */
export function builtInProjections(p: Persistence, lookup: DefinitionLookup, index: IndexedDataOptions = {}): BoundProjection[] {
  const instances: BoundProjection<InstanceSummary | null> = {
    projection: instanceSummaryProjection(lookup, index),
    sink: (name) => indexSink(p.instances, p.projections, name ?? 'instances'),
  };
  const docs = <D>(projection: Projection<D>): BoundProjection<D> => ({
    projection,
    sink: (name) => documentSink<D>(p.projections, name ?? projection.name),
    swap: (shadow) => p.projections.swap(shadow, projection.name),
  });
  return [instances, docs<StepRows | null>(stepRowsProjection(lookup)), docs<Counters | null>(countersProjection(lookup))] as BoundProjection[];
}

/** A lookup over the definitions stored in a persistence (loaded once). */
export async function storedDefinitionLookup(p: Pick<Persistence, 'definitions'>): Promise<DefinitionLookup> {
  const all = await p.definitions.list();
  const m = new Map(all.map((d) => [`${d.id}@${d.version}`, d.definition as unknown as WorkflowDefinition]));
  return (id, version) => m.get(`${id}@${version}`);
}
