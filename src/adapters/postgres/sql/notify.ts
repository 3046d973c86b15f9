/** Wake the hosts listening on channel $1. */
export const notifySql = (): string => `SELECT pg_notify($1, '')`;
