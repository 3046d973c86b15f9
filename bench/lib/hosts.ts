/** Hosts for the benchmarks, on memory, on a durable SQLite file or on PostgreSQL, with a completion counter. */
import { join } from 'node:path';
import { createMemoryPersistence } from '../../src/adapters/memory/index.js';
import { createPostgresPersistence } from '../../src/adapters/postgres/index.js';
import { createSqlitePersistence } from '../../src/adapters/sqlite/index.js';
import type { BuiltWorkflow } from '../../src/domain/builder.js';
import type { WorkflowEvent } from '../../src/domain/events.js';
import type { Persistence } from '../../src/ports/persistence.js';
import { WorkflowHost } from '../../src/runtime/host.js';
import type { HostOptions } from '../../src/runtime/host-options.js';
import { removeTempDir, tempDir } from './temp.js';

/** Where the host keeps its state; `postgres` needs `where.postgresUrl`. */
export type Store = 'memory' | 'sqlite' | 'postgres';

export interface BenchHost {
  readonly host: WorkflowHost;
  readonly persistence: Persistence;
  /** Instances completed since the host started. */
  completed(): number;
  /** Resolves once `n` instances have completed (counted from the start), or at `deadline` (ms, hrtime-based) with false. */
  completedCount(n: number, timeoutMs: number): Promise<boolean>;
  /** Stop the host, close the stores, remove the files. */
  close(): Promise<void>;
}

/**
 * A started host on `store` with `workflows` registered. SQLite: a new file in a temporary folder,
 * synchronous=FULL. PostgreSQL: the database `where.postgresUrl` names (schema `wfe`, created if
 * missing), the adapter's default pool.
 */
export async function benchHost(store: Store, workflows: readonly BuiltWorkflow[], options: HostOptions = {}, where: { postgresUrl?: string } = {}): Promise<BenchHost> {
  const dir = store === 'sqlite' ? tempDir('host') : undefined;
  let persistence: Persistence;
  if (store === 'postgres') {
    if (!where.postgresUrl) throw new Error('benchHost: the postgres store needs where.postgresUrl');
    persistence = await createPostgresPersistence({ connectionString: where.postgresUrl });
  } else {
    persistence = dir ? createSqlitePersistence({ path: join(dir, 'wfe.db'), synchronous: 'full' }) : createMemoryPersistence();
  }
  const host = new WorkflowHost({ persistence, ...options });
  for (const wf of workflows) host.registerWorkflow(wf);
  let done = 0;
  const waiters: { n: number; resolve: (ok: boolean) => void }[] = [];
  host.on('workflow:completed', () => {
    done++;
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (done >= waiters[i]!.n) {
        waiters[i]!.resolve(true);
        waiters.splice(i, 1);
      }
    }
  });
  host.on('host:error', ({ error, where }) => console.error(`  host error (${where}):`, error));
  await host.start();
  return {
    host,
    persistence,
    completed: () => done,
    completedCount(n, timeoutMs) {
      if (done >= n) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), timeoutMs);
        waiters.push({
          n,
          resolve: (ok) => {
            clearTimeout(t);
            resolve(ok);
          },
        });
      });
    },
    async close() {
      await host.stop();
      const closable = persistence as Persistence & { close?: () => Promise<void> };
      await closable.close?.();
      if (dir) removeTempDir(dir);
    },
  };
}

/** Run one instance on a memory host and return its events as the host committed them. */
export async function recordCommits(wf: BuiltWorkflow, data: unknown): Promise<WorkflowEvent[][]> {
  const b = await benchHost('memory', [wf], { pollInterval: 50 });
  const commits = new Map<string, WorkflowEvent[][]>();
  b.host.on('events:appended', ({ instanceId, events }) => {
    const list = commits.get(instanceId) ?? [];
    list.push([...events]);
    commits.set(instanceId, list);
  });
  try {
    const state = await b.host.runSync(wf.definition.id, { data, timeoutMs: 30_000 });
    return commits.get(state.instanceId) ?? [];
  } finally {
    await b.close();
  }
}
