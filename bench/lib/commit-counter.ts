/** The SQLite commit counter lives with the test helpers (a test keeps commits per workflow from growing). */
export { installCommitCounter, type CommitCounter } from '../../test/setup/sqlite-commit-counter.js';
