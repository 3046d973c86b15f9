/** The position of the last event in the log (null when empty). */
export const headPositionSql = (s: string): string => `SELECT max(position) AS position FROM ${s}.events`;
