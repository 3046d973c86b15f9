/** A lease on a key. `token` increases with every acquisition of the key: a fencing token. */
export interface Lease {
  readonly key: string;
  readonly owner: string;
  readonly token: number;
  readonly expiresAt: number;
}

/**
 * Mutual exclusion with leases: one owner per key until the lease expires or is released.
 * The host locks an instance under its stream id (the instance id): a log that checks append fences
 * looks up the lease of that same key.
 */
export interface LockProvider {
  /** Acquire the key for `ttlMs`, or undefined when another owner holds an unexpired lease. */
  acquire(key: string, owner: string, ttlMs: number): Promise<Lease | undefined>;
  /** Extend a lease still held; false when it was lost. */
  renew(lease: Lease, ttlMs: number): Promise<boolean>;
  release(lease: Lease): Promise<void>;
  close(): Promise<void>;
}
