/** Give back the activity claim under token $1 (the wait can be claimed again at once); returns the row when there was one. */
export const releaseActivitySql = (s: string): string => `
UPDATE ${s}.subscriptions SET claim_token = NULL, claim_worker = NULL, claim_expires = NULL WHERE claim_token = $1 RETURNING instance_id`;
