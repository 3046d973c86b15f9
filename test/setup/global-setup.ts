// Starts the servers integration tests need (added by the provider suites); nothing yet for the core.
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
