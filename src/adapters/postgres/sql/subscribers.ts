/** The waits on $1/$2, oldest first. */
export const subscribersSql = (s: string): string => `
SELECT instance_id, pointer_id, name, key, as_of FROM ${s}.subscriptions WHERE name = $1 AND key = $2 ORDER BY seq`;
