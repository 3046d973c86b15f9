import type { InstanceSummary } from '../ports/instance-index.js';
import type { DefinitionLookup } from './definitions-lookup.js';
import { instanceSummaryProjection, type IndexedDataOptions } from './instance-summary.js';
import type { Projection } from './projection.js';

/**
 * The instance's search document for an external search index (OpenSearch): the same document as
 * the embedded index row, applied asynchronously by `catchUp` from the sink's checkpoint. Give it
 * the data fields the index declares (`dataFields`), so every document fits the index's mapping.
 */
export function searchDocumentProjection(lookup: DefinitionLookup, options: IndexedDataOptions = {}): Projection<InstanceSummary | null> {
  return { ...instanceSummaryProjection(lookup, options), name: 'search', lifecycle: 'async' };
}
