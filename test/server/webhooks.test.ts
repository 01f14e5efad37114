/**
 * Registry notifications in: a CNCF distribution envelope (the shape
 * distribution's notifications send: `events[]` with `action`, `target`
 * {mediaType, repository, digest, tag} and `request.host`) queues one scan
 * per manifest push, a redelivered event queues nothing, other events are
 * ignored, and bad bodies or tokens are refused before anything is stored.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServer } from '../../src/server/main.js';
import { ServerStore } from '../../src/server/store/store.js';
import { TOKEN, api, serverOptions } from './support.js';

const ENVELOPE = 'application/vnd.docker.distribution.events.v1+json';
const DIGEST = `sha256:${'ab'.repeat(32)}`;

function event(id: string, action = 'push', mediaType = 'application/vnd.oci.image.manifest.v1+json') {
  return {
    id,
    timestamp: '2026-12-03T10:00:00Z',
    action,
    target: { mediaType, size: 525, digest: DIGEST, repository: 'team/app', tag: 'v1' },
    request: { id: 'req-1', addr: '127.0.0.1:40000', host: '127.0.0.1:9', method: 'PUT', useragent: 'docker/27' },
    actor: {},
    source: { addr: 'registry:5000', instanceID: 'x' },
  };
}

function send(base: string, body: unknown, token: string | null = TOKEN, type = ENVELOPE): Promise<Response> {
  return fetch(`${base}/api/v1/webhooks/distribution`, {
    method: 'POST',
    headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

test('distribution notifications: a push queues a scan once; other events and bad bodies do not', async () => {
  const root = mkdtempSync(join(tmpdir(), 'customs-server-webhooks-'));
  // One attempt: the registry named does not exist, and the test needs no retries.
  const server = await startServer(
    serverOptions({ database: `sqlite:${join(root, 'store.db')}`, cacheDir: join(root, 'cache'), maxAttempts: 1 }),
  );
  try {
    const base = server.url!;
    const c = api(base);
    const first = await send(base, {
      events: [
        event('ev-1'),
        event('ev-2', 'pull'),
        event('ev-3', 'push', 'application/vnd.oci.image.layer.v1.tar+gzip'),
      ],
    });
    assert.equal(first.status, 202);
    const body = (await first.json()) as { queued: string[]; duplicates: number; ignored: number };
    assert.equal(body.queued.length, 1);
    assert.equal(body.ignored, 2);
    const scan = (await (await c.get(`/api/v1/scans/${body.queued[0]}`)).json()) as { image: string };
    assert.equal(scan.image, `127.0.0.1:9/team/app@${DIGEST}`);

    const again = (await (await send(base, { events: [event('ev-1')] })).json()) as {
      queued: string[];
      duplicates: number;
    };
    assert.deepEqual(again, { queued: [], duplicates: 1, ignored: 0 });

    assert.equal((await send(base, { events: [event('ev-4')] }, null)).status, 401);
    assert.equal((await send(base, { events: [event('ev-5')] }, 'not-the-token-not-the-token')).status, 401);
    assert.equal((await send(base, '{"events": [')).status, 400);
    assert.equal((await send(base, { events: 'x' })).status, 400);
    assert.equal((await send(base, { events: Array.from({ length: 101 }, (_, i) => event(`m${i}`)) })).status, 400);
    const hostile = event('ev-6');
    hostile.target.repository = '../../etc';
    assert.equal((await send(base, { events: [hostile] })).status, 400);
    assert.equal((await send(base, { events: [event('ev-7')] }, TOKEN, 'application/xml')).status, 415);
    assert.equal((await send(base, 'x'.repeat(70 * 1024))).status, 413);
    // None of the refused deliveries left a scan or an event behind.
    const store = await ServerStore.open(`sqlite:${join(root, 'store.db')}`);
    try {
      assert.equal((await store.db.selectFrom('scans').select('id').execute()).length, 1);
      assert.deepEqual(
        (await store.db.selectFrom('webhook_events').select('id').execute()).map((r) => r.id),
        ['ev-1'],
      );
    } finally {
      await store.close();
    }
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});
