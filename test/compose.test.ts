/** docker-compose.yml: the services the README's full run needs, on the ports of the URLs the tests read, each with a health check. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const compose = parse(readFileSync(resolve(root, 'docker-compose.yml'), 'utf8')) as {
  'x-wfe-test-env': Record<string, string>;
  services: Record<string, { image: string; ports?: string[]; environment?: Record<string, string>; healthcheck?: { test: string[] } }>;
};
const read = (file: string) => readFileSync(resolve(root, file), 'utf8');

/** Which service answers each URL the tests read, and where the tests read it. */
const EXPECTED = [
  { variable: 'WFE_TEST_PG_URL', service: 'postgres', image: /^postgres:17\b/, readBy: 'test/setup/global-setup.ts' },
  { variable: 'WFE_TEST_REDIS_URL', service: 'valkey', image: /^valkey\/valkey:8\b/, readBy: 'test/setup/global-setup.ts' },
  { variable: 'OPENSEARCH_URL', service: 'opensearch', image: /^opensearchproject\/opensearch:2\b/, readBy: 'src/adapters/opensearch/opensearch.int.test.ts' },
  { variable: 'EVENTSTORE_URL', service: 'eventstore', image: /^(eventstore\/eventstore|docker\.kurrent\.io\/.*kurrentdb)/, readBy: 'src/adapters/eventstoredb/eventstoredb.int.test.ts' },
];

describe('docker-compose.yml', () => {
  it('has exactly the services the tests can use, each with a health check', () => {
    expect(Object.keys(compose.services).sort()).toEqual(EXPECTED.map((e) => e.service).sort());
    for (const { service, image } of EXPECTED) {
      const s = compose.services[service]!;
      expect(s.image, service).toMatch(image);
      expect(s.healthcheck?.test.length, service).toBeGreaterThan(1);
    }
  });

  it.each(EXPECTED)('publishes the port of $variable on $service, and the tests read that variable', ({ variable, service, readBy }) => {
    const url = new URL(compose['x-wfe-test-env'][variable]!);
    const port = url.port || { 'postgres:': '5432', 'redis:': '6379', 'http:': '80', 'esdb:': '2113' }[url.protocol]!;
    expect(url.hostname).toBe('localhost');
    expect(compose.services[service]!.ports).toContain(`${port}:${port}`);
    expect(read(readBy)).toContain(`'${variable}'`);
  });

  it('runs OpenSearch as a single node without security and EventStoreDB insecure, for local use', () => {
    expect(compose.services.opensearch!.environment).toMatchObject({ 'discovery.type': 'single-node', DISABLE_SECURITY_PLUGIN: 'true' });
    expect(compose.services.eventstore!.environment).toMatchObject({ EVENTSTORE_INSECURE: 'true', EVENTSTORE_CLUSTER_SIZE: '1' });
    expect(compose['x-wfe-test-env'].EVENTSTORE_URL).toContain('tls=false');
    expect(compose['x-wfe-test-env'].WFE_TEST_PG_URL).toContain(`:${compose.services.postgres!.environment!.POSTGRES_PASSWORD}@`);
  });
});
