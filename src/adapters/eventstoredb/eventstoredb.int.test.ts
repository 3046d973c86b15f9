/** Against a real EventStoreDB/KurrentDB (EVENTSTORE_URL, e.g. esdb://localhost:2113?tls=false from docker-compose): the event-log conformance suite. */
import { describeWithUrl, uniqueSuffix } from '../../../test/setup/integration.js';
import { eventLogConformance } from '../../testing/conformance/event-log-conformance.js';
import { createEventStoreLog } from './eventstoredb-event-log.js';

describeWithUrl('EVENTSTORE_URL', 'wfe/eventstoredb on a real server', (url) => {
  // Each test gets its own stream prefix: the same server, an empty log as far as the test can tell.
  eventLogConformance('eventstoredb', async ({ clock }) => {
    const log = createEventStoreLog({ connectionString: url, streamPrefix: `wfe${uniqueSuffix()}-`, clock: () => clock.now() });
    return { port: log, cleanup: () => log.close() };
  });
});
