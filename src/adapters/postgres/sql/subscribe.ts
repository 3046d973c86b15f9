/** Register the wait of instance $1's pointer $2 on $3/$4 as of $5 (replacing an earlier one of that pointer). */
export const subscribeSql = (s: string): string => `
INSERT INTO ${s}.subscriptions (instance_id, pointer_id, name, key, as_of) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (instance_id, pointer_id) DO UPDATE SET name = EXCLUDED.name, key = EXCLUDED.key, as_of = EXCLUDED.as_of,
  claim_token = NULL, claim_worker = NULL, claim_expires = NULL`;
