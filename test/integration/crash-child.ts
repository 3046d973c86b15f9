// A host process that the crash test kills with SIGKILL in the middle of its workflows.
import { WorkflowHost } from '../../src/runtime/host.js';
import { crashWorkflow } from './crash-workflow.js';

const [dbPath, sideEffects, count] = process.argv.slice(2) as [string, string, string];
const host = new WorkflowHost({ sqlitePath: dbPath, leaseMs: 300, pollInterval: 20, hostId: 'doomed' });
host.registerWorkflow(crashWorkflow(sideEffects));
host.on('events:appended', (e) => process.stdout.write(`appended ${e.instanceId} ${e.version}\n`));
await host.start();
for (let i = 0; i < Number(count); i++) await host.startWorkflow('crashy', { instanceId: `order-${i}`, data: { n: i, items: [1, 2, 3], done: [] } });
process.stdout.write('started\n');
