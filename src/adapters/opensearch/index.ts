/**
 * `wfe/opensearch`: instance search documents in OpenSearch (the official client
 * `@opensearch-project/opensearch`, an optional peer dependency: `npm install @opensearch-project/opensearch`).
 *
 * ```ts
 * const index = await createOpenSearchIndex({ node: process.env.OPENSEARCH_URL, dataFields: ['customer.tier', 'total'] });
 * const projection = searchDocumentProjection(await storedDefinitionLookup(persistence), { dataFields: ['customer.tier', 'total'] });
 * await catchUp({ projection, sink: index, log: persistence.log, now: Date.now }); // from its checkpoint
 * const page = await index.search({ text: 'acme', status: 'failed' });
 * ```
 */
export { createOpenSearchIndex } from './opensearch-index.js';
export type { OpenSearchIndex, OpenSearchIndexOptions } from './opensearch-index.js';
export type { OpenSearchRetryOptions } from './opensearch-errors.js';
export { searchMapping } from './search-mapping.js';
export { toSearchBody, type SearchBody } from './search-translation.js';
export { searchDocumentProjection } from '../../projections/search-document.js';
export { catchUp, type CatchUpOptions, type CatchUpResult } from '../../projections/runner.js';
export { storedDefinitionLookup } from '../../projections/catalog.js';
