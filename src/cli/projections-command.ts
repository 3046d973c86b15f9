import Table from 'cli-table3';
import { createProjectionAdmin } from '../projections/admin.js';
import { EXIT } from './cli-error.js';
import { DEFAULT_DB, openExistingStore } from './open-store.js';
import { PLAIN, styleFor } from './progress/format.js';
import type { TextOut } from './progress/views.js';

export interface ProjectionsOptions {
  readonly db?: string;
  readonly json?: boolean;
}

/**
 * `wfe projections list|rebuild|verify [NAME]`: where each projection stands, rebuild one (or all)
 * from the log, or verify one (or all) against the log. `verify` exits 1 and names every drifted
 * document when a stored document differs from what the log says.
 */
export async function projectionsCommand(action: string, name: string | undefined, options: ProjectionsOptions, out: TextOut): Promise<number> {
  const db = options.db ?? DEFAULT_DB;
  const store = await openExistingStore(db);
  try {
    const admin = await createProjectionAdmin(store);
    const names = name ? [name] : admin.names;
    if (action === 'list') {
      const rows = await admin.list();
      if (options.json) return write(out, rows);
      const style = styleFor(out);
      const table = new Table({ head: ['projection', 'version', 'lifecycle', 'position', 'behind'], style: { compact: true, head: style === PLAIN ? [] : ['cyan'], border: [] } });
      for (const r of rows) table.push([r.name, r.version, r.lifecycle, r.position ? r.position.replace(/^0+(?=\d)/, '') : r.lifecycle === 'inline' ? '(with each append)' : '(not started)', r.stale ? 'stale: rebuild' : r.behind]);
      out.write(`${table.toString()}\n`);
      return EXIT.ok;
    }
    if (action === 'rebuild') {
      const reports = [];
      for (const n of names) reports.push(await admin.rebuild(n));
      if (options.json) return write(out, reports);
      for (const r of reports) {
        out.write(`rebuilt ${r.projection}: ${r.events !== undefined ? `${r.events} events applied` : `${r.checked ?? 0} documents checked, ${r.repaired ?? 0} repaired`}\n`);
      }
      return EXIT.ok;
    }
    // verify
    let code: number = EXIT.ok;
    const reports = [];
    for (const n of names) reports.push(await admin.verify(n));
    if (options.json) {
      write(out, reports);
      return reports.some((r) => r.drifted.length) ? EXIT.failed : EXIT.ok;
    }
    for (const r of reports) {
      if (r.drifted.length === 0) out.write(`ok: ${r.projection}: ${r.checked} documents match the log\n`);
      for (const d of r.drifted) {
        code = EXIT.failed;
        const why = d.kind === 'missing' ? 'missing (the log has it)' : d.kind === 'extra' ? 'extra (the log does not have it)' : 'differs from the log';
        out.write(`drifted: ${r.projection} ${d.key}: ${why}${describeDiff(d.stored, d.expected)}\n`);
      }
    }
    return code;
  } finally {
    await store.close();
  }
}

function write(out: TextOut, value: unknown): number {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
  return EXIT.ok;
}

/** The top-level fields that differ, with stored and expected values (short). */
function describeDiff(stored: unknown, expected: unknown): string {
  if (!stored || !expected || typeof stored !== 'object' || typeof expected !== 'object') return '';
  const a = stored as Record<string, unknown>;
  const b = expected as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  const short = (v: unknown) => {
    const s = JSON.stringify(v) ?? 'undefined';
    return s.length > 40 ? `${s.slice(0, 39)}…` : s;
  };
  return fields.length ? ` (${fields.map((f) => `${f}: ${short(a[f])}, log says ${short(b[f])}`).join('; ')})` : '';
}
