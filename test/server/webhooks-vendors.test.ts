/**
 * Push webhooks from Harbor, Docker Hub and GitHub, with the payload shapes
 * their documentation gives:
 * - Harbor: "Configure Webhook Notifications" (goharbor.io/docs, Working with
 *   Projects › Webhooks), PUSH_ARTIFACT payload; Harbor sends its "Auth Header".
 * - Docker Hub: "Webhooks" (docs.docker.com/docker-hub/repos/manage/webhooks),
 *   example payload with push_data and repository.
 * - GitHub: "Webhook events and payloads" › package / registry_package
 *   (docs.github.com), validated by "Validating webhook deliveries"
 *   (HMAC-SHA256 of the body in X-Hub-Signature-256).
 * Each queues one scan, a redelivery queues nothing, and a bad secret,
 * signature or body is refused before anything is stored.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServer } from '../../src/server/main.js';
import { ServerStore } from '../../src/server/store/store.js';
import { TOKEN, serverOptions } from './support.js';

const DIGEST = `sha256:${'cd'.repeat(32)}`;
const HUB_SECRET = 'hub-secret-0123456789abcdef';
const GH_SECRET = 'gh-secret-0123456789abcdef';

const harborPush = {
  type: 'PUSH_ARTIFACT',
  occur_at: 1680501893,
  operator: 'admin',
  event_data: {
    resources: [{ digest: DIGEST, tag: 'latest', resource_url: 'harbor.example.com/library/nginx:latest' }],
    repository: {
      date_created: 1680501893,
      name: 'nginx',
      namespace: 'library',
      repo_full_name: 'library/nginx',
      repo_type: 'private',
    },
  },
};

const hubPush = {
  callback_url: 'https://registry.hub.docker.com/u/svendowideit/testhook/hook/2141b5bi5i5b02bec211i4eeih0242eg11000a/',
  push_data: { pushed_at: 1417566161, pusher: 'trustedbuilder', tag: 'latest' },
  repository: {
    comment_count: 0,
    date_created: 1417494799,
    description: '',
    is_official: false,
    is_private: true,
    is_trusted: true,
    name: 'testhook',
    namespace: 'svendowideit',
    owner: 'svendowideit',
    repo_name: 'svendowideit/testhook',
    repo_url: 'https://registry.hub.docker.com/u/svendowideit/testhook/',
    star_count: 0,
    status: 'Active',
  },
};

const githubPackage = {
  action: 'published',
  package: {
    id: 1,
    name: 'Hello-World',
    namespace: 'Octo-Org',
    ecosystem: 'CONTAINER',
    package_type: 'CONTAINER',
    html_url: 'https://github.com/orgs/Octo-Org/packages/container/package/hello-world',
    owner: { login: 'Octo-Org', type: 'Organization' },
    package_version: {
      id: 2,
      version: DIGEST,
      name: DIGEST,
      package_url: 'ghcr.io/octo-org/hello-world:1.0',
      container_metadata: { tag: { name: '1.0', digest: DIGEST }, labels: {}, manifest: {} },
    },
    registry: {
      about_url: 'https://docs.github.com',
      name: 'GitHub CONTAINER registry',
      type: 'CONTAINER',
      url: 'https://ghcr.io/octo-org',
      vendor: 'GitHub Inc',
    },
  },
  repository: { id: 3, full_name: 'octo-org/hello-world' },
  sender: { login: 'octocat' },
};

function post(url: string, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

const sign = (body: string, secret = GH_SECRET): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

test('Harbor, Docker Hub and GitHub pushes queue a scan once; bad secrets and bodies store nothing', async () => {
  const root = mkdtempSync(join(tmpdir(), 'customs-server-vendor-hooks-'));
  const database = `sqlite:${join(root, 'store.db')}`;
  const server = await startServer(
    serverOptions({
      database,
      cacheDir: join(root, 'cache'),
      maxAttempts: 1,
      webhookSecrets: { dockerhub: HUB_SECRET, github: GH_SECRET },
    }),
  );
  const images: string[] = [];
  try {
    const base = `${server.url}/api/v1/webhooks`;
    const bearer = { authorization: `Bearer ${TOKEN}` };

    // Harbor
    const harbor = JSON.stringify(harborPush);
    const h1 = (await (await post(`${base}/harbor`, harbor, bearer)).json()) as { queued: string[] };
    assert.equal(h1.queued.length, 1);
    images.push(`harbor.example.com/library/nginx:latest@${DIGEST}`);
    assert.deepEqual(await (await post(`${base}/harbor`, harbor, bearer)).json(), {
      queued: [],
      duplicates: 1,
      ignored: 0,
    });
    assert.equal((await post(`${base}/harbor`, harbor, {})).status, 401);
    const pull = JSON.stringify({ ...harborPush, type: 'PULL_ARTIFACT' });
    assert.deepEqual(await (await post(`${base}/harbor`, pull, bearer)).json(), {
      queued: [],
      duplicates: 0,
      ignored: 1,
    });
    const evil = structuredClone(harborPush);
    evil.event_data.repository.repo_full_name = '../../etc';
    assert.equal((await post(`${base}/harbor`, JSON.stringify(evil), bearer)).status, 400);

    // Docker Hub
    const hub = JSON.stringify(hubPush);
    const d1 = (await (await post(`${base}/dockerhub?secret=${HUB_SECRET}`, hub, {})).json()) as { queued: string[] };
    assert.equal(d1.queued.length, 1);
    images.push('docker.io/svendowideit/testhook:latest');
    assert.equal(
      ((await (await post(`${base}/dockerhub?secret=${HUB_SECRET}`, hub, {})).json()) as { duplicates: number })
        .duplicates,
      1,
    );
    assert.equal((await post(`${base}/dockerhub?secret=wrong-secret-0123456789`, hub, {})).status, 401);
    assert.equal((await post(`${base}/dockerhub`, hub, bearer)).status, 401);
    assert.equal((await post(`${base}/dockerhub?secret=${HUB_SECRET}`, '{"push_data": 1}', {})).status, 400);

    // GitHub
    const gh = JSON.stringify(githubPackage);
    const ghHeaders = (body: string, delivery: string, event = 'package') => ({
      'x-github-event': event,
      'x-github-delivery': delivery,
      'x-hub-signature-256': sign(body),
    });
    const g1 = (await (await post(`${base}/github`, gh, ghHeaders(gh, 'd-1'))).json()) as { queued: string[] };
    assert.equal(g1.queued.length, 1);
    images.push(`ghcr.io/octo-org/hello-world:1.0@${DIGEST}`);
    assert.equal(
      ((await (await post(`${base}/github`, gh, ghHeaders(gh, 'd-1'))).json()) as { duplicates: number }).duplicates,
      1,
    );
    const tampered = gh.replace('Hello-World', 'Hello-Worle');
    assert.equal((await post(`${base}/github`, tampered, ghHeaders(gh, 'd-2'))).status, 401);
    assert.equal(
      (
        await post(`${base}/github`, gh, {
          ...ghHeaders(gh, 'd-3'),
          'x-hub-signature-256': sign(gh, 'other-secret-0123456789'),
        })
      ).status,
      401,
    );
    const npmPkg = JSON.stringify({ ...githubPackage, package: { ...githubPackage.package, package_type: 'npm' } });
    assert.equal(
      ((await (await post(`${base}/github`, npmPkg, ghHeaders(npmPkg, 'd-4'))).json()) as { ignored: number }).ignored,
      1,
    );
    const registryPackage = JSON.stringify({ action: 'published', registry_package: githubPackage.package });
    const g2 = await post(`${base}/github`, registryPackage, ghHeaders(registryPackage, 'd-5', 'registry_package'));
    assert.equal(((await g2.json()) as { queued: string[] }).queued.length, 1);
    images.push(`ghcr.io/octo-org/hello-world:1.0@${DIGEST}`);
    const big = JSON.stringify({ ...githubPackage, pad: 'x'.repeat(600 * 1024) });
    assert.equal((await post(`${base}/github`, big, ghHeaders(big, 'd-6'))).status, 413);
  } finally {
    await server.close();
  }
  const store = await ServerStore.open(database);
  try {
    const refs = (await store.db.selectFrom('scans').select('requested_ref').execute()).map((r) => r.requested_ref);
    assert.deepEqual(refs.sort(), images.sort());
  } finally {
    await store.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('webhooks without a configured secret are not open', async () => {
  const root = mkdtempSync(join(tmpdir(), 'customs-server-vendor-hooks-'));
  const server = await startServer(
    serverOptions({ database: `sqlite:${join(root, 'store.db')}`, cacheDir: join(root, 'cache') }),
  );
  try {
    const base = `${server.url}/api/v1/webhooks`;
    assert.equal((await post(`${base}/dockerhub?secret=`, JSON.stringify(hubPush), {})).status, 404);
    const gh = JSON.stringify(githubPackage);
    assert.equal((await post(`${base}/github`, gh, { 'x-hub-signature-256': sign(gh) })).status, 404);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});
