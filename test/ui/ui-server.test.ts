// The debugger's server over a small fake inspector: what it serves, what it refuses, what it never does.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WfeError } from '../../src/domain/errors.js';
import type { ForkOptions, Inspector } from '../../src/inspect/inspector.js';
import type { LogPosition } from '../../src/log/position.js';
import { createUiServer, type UiServer } from '../../src/ui/index.js';

type Listener = Parameters<Inspector['watch']>[0];

function fakeInspector() {
  const listeners = new Set<Listener>();
  const forks: ForkOptions[] = [];
  const unknown = (id: string) => new WfeError('UNKNOWN_INSTANCE', `no workflow instance ${id}`);
  const inspector: Inspector = {
    search: async (q) => ({ items: [], ...(q.text === 'page' ? { nextCursor: 'c1' } : {}) }),
    counts: async () => [{ definitionId: 'pizza', status: 'suspended', count: 2 }],
    history: async (id) => {
      if (id !== 'i1') throw unknown(id);
      return [{ version: 1, position: '1' as LogPosition, recordedAt: 1, at: 1, type: 'WorkflowStarted', event: { type: 'WorkflowStarted' } as never, hash: 'h', summary: 'started', kind: 'lifecycle' }];
    },
    stateAt: async (id, v) => {
      if (id !== 'i1') throw unknown(id);
      if (v !== undefined && v > 1) throw new WfeError('INVALID_ARGUMENT', `version ${v} of ${id} is out of range 1..1`);
      return { instanceId: id, definitionId: 'pizza', definitionVersion: 1, version: 1, status: 'runnable', data: { a: 1 }, pointers: [] };
    },
    diff: async (_id, from, to) => ({ from, to, data: [], pointers: [] }),
    explain: async () => ({ status: 'runnable', text: 'running' }),
    graph: async () => ({ version: 1, nodes: [], edges: [] }),
    verify: async (id) => ({ instanceId: id, ok: true, events: 1, limits: [] }),
    fork: async (_id, options) => {
      forks.push(options);
      return { instanceId: 'i2' };
    },
    whatIf: async () => {
      throw new WfeError('DEFINITION_INVALID', 'the data does not fit the definition: total must be a number');
    },
    watch: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close: async () => undefined,
  };
  return { inspector, forks, listeners, emit: (instanceId: string, version: number) => listeners.forEach((l) => l({ instanceId, version, position: '1' as LogPosition })) };
}

const errorOf = async (r: Response) => ((await r.json()) as { error: { code: string; message: string } }).error;

let server: UiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Partial<Parameters<typeof createUiServer>[0]> = {}) {
  const fake = fakeInspector();
  server = createUiServer({ inspector: fake.inspector, liveFlushMs: 10, ...options });
  const { url, port } = await server.listen();
  return { ...fake, url, port };
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const post = (url: string, path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(new URL(path, url), { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('createUiServer', () => {
  it('listens on 127.0.0.1 and serves the page with its config, and the API as JSON', async () => {
    const { url } = await start({ storeLabel: 'pizza.db' });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(new URL('instances/i1?v=1', url));
    const html = await page.text();
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('"store":"pizza.db"');
    expect(html).toContain('"canFork":false');
    expect(html).toContain('<base href="/">');
    expect((await fetch(new URL('static/app.js', url))).status).toBe(200);
    expect(await (await fetch(new URL('api/counts', url))).json()).toEqual([{ definitionId: 'pizza', status: 'suspended', count: 2 }]);
    expect(await (await fetch(new URL('api/instances?text=page', url))).json()).toEqual({ items: [], nextCursor: 'c1' });
  });

  it('answers bad input with a specific message and status, never a stack trace', async () => {
    const { url } = await start();
    const unknown = await fetch(new URL('api/instances/nope/history', url));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { code: 'UNKNOWN_INSTANCE', message: 'no workflow instance nope' } });
    const range = await fetch(new URL('api/instances/i1/state?v=7', url));
    expect(range.status).toBe(400);
    expect((await errorOf(range)).message).toContain('version 7');
    const notNumber = await fetch(new URL('api/instances/i1/state?v=abc', url));
    expect((await errorOf(notNumber)).message).toBe('version "abc" in the address is not a whole number from 1');
    const status = await fetch(new URL('api/instances?status=broken', url));
    expect((await errorOf(status)).message).toContain('status "broken": expected one of runnable');
    const invalid = await post(url, 'api/instances/i1/what-if', { atVersion: 1, data: { total: 'x' } });
    expect(invalid.status).toBe(422);
    expect((await errorOf(invalid)).message).toContain('total must be a number');
    const notJson = await post(url, 'api/instances/i1/fork', '{ "atVersion": ');
    expect((await errorOf(notJson)).message).toContain('the request body is not JSON');
    const body = await (await fetch(new URL('api/nothing', url))).text();
    expect(body).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('says so when the store stops answering (503 with the store\'s message), and keeps serving the page', async () => {
    const fake = fakeInspector();
    server = createUiServer({ inspector: { ...fake.inspector, counts: async () => { throw new WfeError('STORE_UNAVAILABLE', 'cannot reach PostgreSQL at db.internal:5432 as wfe'); } } });
    const { url } = await server.listen();
    const r = await fetch(new URL('api/counts', url));
    expect(r.status).toBe(503);
    expect(await errorOf(r)).toEqual({ code: 'STORE_UNAVAILABLE', message: 'cannot reach PostgreSQL at db.internal:5432 as wfe' });
    expect((await fetch(url)).status).toBe(200);
  });

  it('writes only on a confirmed fork that names its actor, sent as JSON from the page itself', async () => {
    const { url, forks } = await start({ host: { hostId: 'h1' } });
    expect((await post(url, 'api/instances/i1/fork', { atVersion: 1, actor: 'ada' })).status).toBe(400);
    expect((await errorOf(await post(url, 'api/instances/i1/fork', { atVersion: 1, confirmed: true }))).message).toContain('give your name');
    expect((await post(url, 'api/instances/i1/fork', { atVersion: 1, actor: 'ada', confirmed: true }, { 'content-type': 'text/plain' })).status).toBe(403);
    expect((await post(url, 'api/instances/i1/fork', { atVersion: 1, actor: 'ada', confirmed: true }, { 'content-type': 'application/json', origin: 'http://evil.example' })).status).toBe(403);
    expect(forks).toEqual([]);
    const ok = await post(url, 'api/instances/i1/fork', { atVersion: 1, data: { a: 2 }, actor: 'ada', confirmed: true });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ instanceId: 'i2', runs: true });
    expect(forks).toEqual([{ atVersion: 1, data: { a: 2 }, actor: 'ada', reason: 'forked from i1 at version 1 in the web debugger' }]);
    expect((await fetch(new URL('api/instances/i1/fork', url), { method: 'DELETE' })).status).toBe(405);
  });

  it('refuses requests for other host names (DNS rebinding) unless a token guards it', async () => {
    const { port } = await start();
    expect((await get(port, '/api/counts', { host: 'evil.example:80' })).status).toBe(421);
    expect((await get(port, '/api/counts', { host: `localhost:${port}` })).status).toBe(200);
  });

  it('never listens beyond loopback unless asked, and then only with a token', async () => {
    const fake = fakeInspector();
    await expect(createUiServer({ inspector: fake.inspector }).listen({ host: '0.0.0.0' })).rejects.toThrow(/listens on loopback/);
    await expect(createUiServer({ inspector: fake.inspector, allowRemote: true }).listen({ host: '0.0.0.0' })).rejects.toThrow(/needs a token/);
  });

  it('with a token, asks for it on every request and keeps it in a cookie after the first visit', async () => {
    const token = 'a-long-enough-token-1234';
    const { port, url } = await start({ token });
    expect(url).toContain(`?token=${token}`);
    expect((await get(port, '/api/counts')).status).toBe(401);
    expect((await get(port, '/api/counts', { authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(401);
    const first = await get(port, `/instances/i1?token=${token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/instances/i1');
    const cookie = String((first.headers['set-cookie'] as string[])[0]).split(';')[0]!;
    expect(cookie).toContain('wfe_ui_token=');
    expect((await get(port, '/api/counts', { cookie })).status).toBe(200);
    expect((await get(port, '/api/counts', { authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('streams changes from inspector.watch as server-sent events, newest version per instance, and stops watching when the page goes', async () => {
    const { url, emit, listeners } = await start();
    const controller = new AbortController();
    const res = await fetch(new URL('api/live', url), { signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    const until = async (needle: string) => {
      while (!text.includes(needle)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await until('event: hello');
    expect(listeners.size).toBe(1);
    emit('i1', 3);
    emit('i1', 4);
    emit('i2', 1);
    await until('event: changes');
    await until('\n\n');
    expect(text).toContain('data: [{"instanceId":"i1","version":4},{"instanceId":"i2","version":1}]');
    controller.abort();
    await expect.poll(() => listeners.size).toBe(0);
  });

  it('mounts under a base path inside an application', async () => {
    const { url } = await start({ basePath: '/tools/wfe' });
    expect(url).toMatch(/\/tools\/wfe\/$/);
    const html = await (await fetch(url)).text();
    expect(html).toContain('<base href="/tools/wfe/">');
    expect((await fetch(new URL('api/counts', url))).status).toBe(200);
    expect((await fetch(new URL('/api/counts', url))).status).toBe(404);
  });
});
