import type * as Pg from 'pg';
import { requirePeer } from '../shared/require-peer.js';

/** The `pg` driver, loaded when a PostgreSQL port is first made (`MISSING_DEPENDENCY` when it is not installed). */
export function loadPg(): typeof Pg {
  return requirePeer<typeof Pg>('pg', 'wfe/postgres');
}
