/** Lets this transaction's DELETEs of events through the append-only trigger (and only this transaction's). */
export const openPurgeGateSql = "SELECT set_config('wfe.purge', 'on', true)";
