import type { WakeupChannel } from '../../ports/persistence.js';

/** Wakes listeners in this process (hosts sharing one persistence object). */
export function createMemoryWakeupChannel(): WakeupChannel {
  const listeners = new Set<() => void>();
  return {
    async notify() {
      for (const listener of [...listeners]) listener();
    },
    onWakeup(listener) {
      const own = () => listener();
      listeners.add(own);
      return () => {
        listeners.delete(own);
      };
    },
    async close() {
      listeners.clear();
    },
  };
}
