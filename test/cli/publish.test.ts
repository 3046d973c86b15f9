import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './cli-process.js';

const T = 60_000;
const tmp = tempDir();
afterAll(() => tmp.remove());

/** `wfe publish NAME KEY [--data JSON] [--db PATH]`: bad input is one clear message and exit code 2. */
describe('wfe publish', () => {
  it('refuses a payload that is not JSON, a blank key, a bad time and a database that does not exist', async () => {
    const db = join(tmp.dir, 'none.db');
    const cases: [string[], RegExp][] = [
      [['publish', 'approval', 'k', '--db', db, '--data', '{decision:'], /^wfe: --data is not valid JSON/],
      [['publish', 'approval', '  ', '--db', db], /^wfe: key: must not be only whitespace\n$/],
      [['publish', 'approval', 'k', '--db', db, '--effective-at', 'soon'], /^wfe: --effective-at: expected ms since the epoch or an ISO date, got 'soon'\n$/],
      [['publish', 'approval', 'k', '--db', db], /^wfe: no database at .*none\.db/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  }, T);
});
