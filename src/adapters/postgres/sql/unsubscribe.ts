/** Drop the wait of instance $1's pointer $2. */
export const unsubscribeSql = (s: string): string => `DELETE FROM ${s}.subscriptions WHERE instance_id = $1 AND pointer_id = $2`;
