/**
 * Counts SQLite commits made through better-sqlite3 in this process, by what caused them: a write
 * statement run outside a transaction is one commit (autocommit), and so is each COMMIT of a
 * transaction. With synchronous=FULL each commit that wrote pages is one fsync of the WAL, which
 * is what bounds a durable engine's rate. Installed by patching the Statement prototype, so the
 * engine's code is measured as it is. Used by the benchmarks and by the test that keeps the number of
 * commits per workflow from growing (test/runtime/commits-per-workflow.test.ts), which uninstalls it.
 */
import Database from 'better-sqlite3';

type Stmt = { source: string; readonly: boolean; database: { inTransaction: boolean } };
type Method = (this: Stmt, ...args: unknown[]) => unknown;

export interface CommitCounter {
  /** Commits since the last reset. */
  total(): number;
  /** Commits by cause ("autocommit: <first words of the SQL>" or "transaction"). */
  byCause(): [string, number][];
  reset(): void;
  /** Put the original methods back (a test file must not leave the prototype patched). */
  uninstall(): void;
}

let installed: CommitCounter | undefined;

function cause(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  const table = /\b(?:INTO|UPDATE|FROM)\s+(\w+)/i.exec(s)?.[1] ?? '?';
  return `autocommit ${s.split(' ')[0]!.toUpperCase()} ${table}`;
}

export function installCommitCounter(): CommitCounter {
  if (installed) return installed;
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<'run' | 'get' | 'all', Method>;
  probe.close();
  const counts = new Map<string, number>();
  const bump = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
  const originals = { run: proto.run, get: proto.get, all: proto.all };
  for (const name of ['run', 'get', 'all'] as const) {
    const original = originals[name];
    proto[name] = function (this: Stmt, ...args: unknown[]) {
      const src = this.source;
      if (src === 'COMMIT') bump('transaction (BEGIN ... COMMIT)');
      else if (!this.readonly && !this.database.inTransaction && !/^\s*(BEGIN|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)/i.test(src)) bump(cause(src));
      return original.apply(this, args);
    };
  }
  installed = {
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    byCause: () => [...counts].sort((a, b) => b[1] - a[1]),
    reset: () => counts.clear(),
    uninstall: () => {
      Object.assign(proto, originals);
      installed = undefined;
    },
  };
  return installed;
}
