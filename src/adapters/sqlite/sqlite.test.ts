import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { persistenceConformance } from '../../testing/conformance/index.js';
import { createSqlitePersistence, type SqlitePersistenceOptions } from './index.js';

/** Every port suite, each test on a fresh database file under the OS temp folder. */
function onTempFile(name: string, options: Omit<SqlitePersistenceOptions, 'path' | 'clock'>): void {
  persistenceConformance(
    name,
    async ({ clock }) => {
      const dir = mkdtempSync(join(tmpdir(), 'wfe-sqlite-'));
      const persistence = createSqlitePersistence({ ...options, path: join(dir, 'wfe.db'), clock: clock.now });
      return {
        port: persistence,
        cleanup: async () => {
          await persistence.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
    { fencing: true, inlineWrites: true },
  );
}

onTempFile('sqlite (local lock)', {});
onTempFile('sqlite (shared lock)', { lock: 'shared' });

// `:memory:` skips the file but must behave the same.
persistenceConformance(
  'sqlite :memory:',
  async ({ clock }) => {
    const persistence = createSqlitePersistence({ path: ':memory:', clock: clock.now, lock: 'shared' });
    return { port: persistence, cleanup: () => persistence.close() };
  },
  { fencing: true, inlineWrites: true },
);
