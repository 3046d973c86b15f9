import type { LiveStatus } from './live';

/** Whether live updates are flowing; a lost connection is said plainly (the page keeps retrying). */
export function LiveBadge({ status }: { status: LiveStatus }) {
  if (status === 'lost') {
    return <p role="alert" class="live live-lost">Live updates lost: the connection to the server dropped; retrying every 2 s. What you see may be out of date.</p>;
  }
  return <span class={`live live-${status}`} role="status">{status === 'open' ? '● live' : '○ connecting…'}</span>;
}
