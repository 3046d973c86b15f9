/** Drop every wait of instances $1 (text[]). */
export const removeSubscriptionsSql = (s: string): string => `DELETE FROM ${s}.subscriptions WHERE instance_id = ANY($1::text[])`;
