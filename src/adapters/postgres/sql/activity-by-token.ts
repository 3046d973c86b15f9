/** The activity claim under token $1, while it is the wait's current claim. */
export const activityByTokenSql = (s: string): string => `
SELECT claim_token, instance_id, pointer_id, name, claim_worker, claim_expires FROM ${s}.subscriptions WHERE claim_token = $1`;
