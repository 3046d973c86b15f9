import { instanceColumnsSql } from './instance-columns.js';

/** The summary of instance $1. */
export const getInstanceSql = (s: string): string => `SELECT ${instanceColumnsSql} FROM ${s}.instances WHERE instance_id = $1`;
