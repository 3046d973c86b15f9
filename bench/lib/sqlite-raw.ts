/**
 * The machine's own SQLite ceiling, measured with better-sqlite3 directly on a temporary file with
 * the pragmas wfe uses (WAL, synchronous=FULL): single-row commits/s, rows/s in 100-row
 * transactions, and the latency of one commit.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { clock, median, msSince, percentile } from './measure.js';
import { removeTempDir, tempDir } from './temp.js';

export interface RawSqlite {
  /** Single-row autocommit INSERTs per second (median of the windows). */
  readonly commitsPerSecond: number;
  /** Rows per second inserted in transactions of 100 rows. */
  readonly rowsPerSecondIn100RowTx: number;
  /** One commit's latency, ms. */
  readonly commitLatencyMedianMs: number;
  readonly commitLatencyP99Ms: number;
  readonly samples: { readonly commits: number[]; readonly rows: number[] };
}

const BODY = JSON.stringify({ type: 'StepCompleted', pointerId: 1, v: 1, at: 1_704_067_200_000 });

export function measureRawSqlite(options: { windowMs?: number; windows?: number; synchronous?: 'FULL' | 'NORMAL' } = {}): RawSqlite {
  const windowMs = options.windowMs ?? 1000;
  const windows = options.windows ?? 3;
  const dir = tempDir('raw');
  const db = new Database(join(dir, 'raw.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.exec('CREATE TABLE rows (position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL, UNIQUE (stream_id, version))');
    const insert = db.prepare('INSERT INTO rows (stream_id, version, body) VALUES (?, ?, ?)');
    let n = 0;
    const hundred = db.transaction(() => {
      for (let i = 0; i < 100; i++) insert.run(`s${n++}`, 1, BODY);
    });
    // Warm up: the file grows, the WAL is created.
    for (let i = 0; i < 20; i++) insert.run(`s${n++}`, 1, BODY);
    hundred.immediate();

    const commits: number[] = [];
    const rows: number[] = [];
    const latencies: number[] = [];
    for (let w = 0; w < windows; w++) {
      let count = 0;
      const t0 = clock();
      while (msSince(t0) < windowMs) {
        const t = clock();
        insert.run(`s${n++}`, 1, BODY);
        latencies.push(msSince(t));
        count++;
      }
      commits.push(count / (msSince(t0) / 1000));
      let inserted = 0;
      const t1 = clock();
      while (msSince(t1) < windowMs) {
        hundred.immediate();
        inserted += 100;
      }
      rows.push(inserted / (msSince(t1) / 1000));
    }
    return {
      commitsPerSecond: median(commits),
      rowsPerSecondIn100RowTx: median(rows),
      commitLatencyMedianMs: median(latencies),
      commitLatencyP99Ms: percentile(latencies, 99),
      samples: { commits, rows },
    };
  } finally {
    db.close();
    removeTempDir(dir);
  }
}
