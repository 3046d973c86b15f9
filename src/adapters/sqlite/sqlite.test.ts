import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { persistenceConformance } from '../../../test/conformance/index.js';
import { createSqlitePersistence } from './index.js';

// Every port suite, each test on a fresh database file under the OS temp folder.
persistenceConformance(
  'sqlite',
  async ({ clock }) => {
    const dir = mkdtempSync(join(tmpdir(), 'wfe-sqlite-'));
    const persistence = createSqlitePersistence({ path: join(dir, 'wfe.db'), clock: clock.now });
    return {
      port: persistence,
      cleanup: async () => {
        await persistence.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { fencing: true },
);

// The same suites on `:memory:`, which skips the file but must behave the same.
persistenceConformance('sqlite :memory:', async ({ clock }) => {
  const persistence = createSqlitePersistence({ path: ':memory:', clock: clock.now });
  return { port: persistence, cleanup: () => persistence.close() };
});
