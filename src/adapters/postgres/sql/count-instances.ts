/** How many instances of each definition are in each status. */
export const countInstancesSql = (s: string): string => `
SELECT definition_id, status, count(*)::int AS count FROM ${s}.instances
GROUP BY definition_id, status ORDER BY definition_id COLLATE "C", status COLLATE "C"`;
