// Live changes from the server (server-sent events fed by the log): no polling in the browser.
import { useEffect, useRef, useState } from 'preact/hooks';

export type LiveStatus = 'connecting' | 'open' | 'lost';
export interface LiveChange {
  readonly instanceId: string;
  readonly version: number;
}

/** Subscribes to the server's change stream (all instances, or one) and reports the connection. */
export function useLive(instanceId: string | undefined, onChanges: (changes: readonly LiveChange[]) => void): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const handler = useRef(onChanges);
  handler.current = onChanges;
  useEffect(() => {
    const source = new EventSource(instanceId ? `api/live?instance=${encodeURIComponent(instanceId)}` : 'api/live');
    let lostTimer: number | undefined;
    source.addEventListener('hello', () => {
      window.clearTimeout(lostTimer);
      setStatus('open');
    });
    source.addEventListener('changes', (e) => {
      try {
        handler.current(JSON.parse((e as MessageEvent<string>).data) as LiveChange[]);
      } catch {
        // A malformed message is skipped; the next one carries the newest versions again.
      }
    });
    source.onerror = () => {
      // EventSource reconnects by itself; say the connection is lost only if it stays down.
      window.clearTimeout(lostTimer);
      lostTimer = window.setTimeout(() => setStatus(source.readyState === EventSource.OPEN ? 'open' : 'lost'), 800);
    };
    return () => {
      window.clearTimeout(lostTimer);
      source.close();
    };
  }, [instanceId]);
  return status;
}
