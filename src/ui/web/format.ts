// Small formatting helpers shared by the pages.
export const STATUSES = ['runnable', 'suspended', 'complete', 'terminated', 'failed'] as const;

/** A time as people read it: local date and time, with milliseconds for close events. */
export function formatTime(ms: number | undefined, withMs = false): string {
  if (ms === undefined) return '';
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const s = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMs ? `${s}.${pad(d.getMilliseconds(), 3)}` : s;
}

/** A JSON value in one short line (for diffs and table cells). */
export function shortJson(value: unknown, max = 120): string {
  if (value === undefined) return '—';
  const s = JSON.stringify(value) ?? String(value);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Milliseconds as a short duration: 850 ms, 2.5 s, 3 min, 2 h. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
