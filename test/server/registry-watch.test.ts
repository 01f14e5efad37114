/**
 * Registry watching against a real registry (Debian's `docker-registry`,
 * CNCF distribution 2.8, on a loopback port of its own): small images are
 * pushed over the distribution API, then polls queue a scan for each new or
 * moved tag matching the config's repository and tag globs, and nothing for
 * an unchanged tag. Also the config file's checks.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { listRepositories, listTags, nextPage } from '../../src/api/registry-tags.js';
import { parseServerConfig, type WatchedRegistry } from '../../src/server/config.js';
import { SqliteQueue } from '../../src/server/queue/sqlite-queue.js';
import { pollRegistry } from '../../src/server/registry-watch.js';
import { ServerStore } from '../../src/server/store/store.js';
import { MemoryLogger } from '../../src/util/log.js';
import { freePort } from './support.js';

const REGISTRY_BIN = '/usr/bin/docker-registry';
const skip = existsSync(REGISTRY_BIN) ? false : `skipped: ${REGISTRY_BIN} not found (Debian docker-registry)`;

let root = '';
let host = '';
let proc: ChildProcess | undefined;

before(async () => {
  if (skip) return;
  root = mkdtempSync(join(tmpdir(), 'customs-watch-'));
  const port = await freePort();
  host = `127.0.0.1:${port}`;
  const config = join(root, 'registry.yml');
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(root, 'data')}\n` +
      `http:\n  addr: ${host}\n`,
  );
  proc = spawn(REGISTRY_BIN, ['serve', config], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://${host}/v2/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 100) throw new Error(`docker-registry did not answer on ${host}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

after(() => {
  proc?.kill();
  if (root) rmSync(root, { recursive: true, force: true });
});

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Pushes a layer-less OCI image whose config carries `label`, as `repository:tag`; returns its manifest digest. */
async function push(repository: string, tag: string, label: string): Promise<string> {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { label } },
      rootfs: { type: 'layers', diff_ids: [] },
    }),
  );
  const start = await fetch(`http://${host}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  assert.equal(start.status, 202);
  const location = new URL(start.headers.get('location')!, `http://${host}`);
  location.searchParams.set('digest', sha256(config));
  const put = await fetch(location, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: config,
  });
  assert.equal(put.status, 201);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [],
    }),
  );
  const res = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    body: manifest,
  });
  assert.equal(res.status, 201, await res.text());
  return sha256(manifest);
}

test('config: unknown keys are named, bad values refused, a good entry parsed', () => {
  assert.throws(() => parseServerConfig('registries: []\nlisten: x\n', 'c.yaml'), /unknown key "listen"/);
  assert.throws(
    () => parseServerConfig('registries:\n  - host: r.io\n    repositories: [a]\n    poll: 5m\n', 'c.yaml'),
    /registries\[0\]: unknown key "poll"/,
  );
  assert.throws(() => parseServerConfig('registries:\n  - repositories: [a]\n', 'c.yaml'), /"host" is required/);
  assert.throws(
    () => parseServerConfig('registries:\n  - host: r.io\n    repositories: [a]\n    tag_regex: "(a+)+$"\n', 'c.yaml'),
    /repeated group/,
  );
  assert.throws(
    () => parseServerConfig('registries:\n  - host: r.io\n    repositories: [a]\n    poll_interval: 1s\n', 'c.yaml'),
    /less than 10s/,
  );
  assert.throws(
    () => parseServerConfig('registries:\n  - host: r.io\n    repositories: [a]\n    username_env: U\n', 'c.yaml'),
    /go together/,
  );
  const c = parseServerConfig(
    'registries:\n  - host: r.io:5000\n    repositories: ["team/*"]\n    tags: ["v*"]\n    tag_regex: "^v[0-9]+$"\n    poll_interval: 2m\n',
    'c.yaml',
  );
  assert.equal(c.registries[0]!.host, 'r.io:5000');
  assert.equal(c.registries[0]!.pollIntervalMs, 120_000);
  assert.ok(c.registries[0]!.tagRegex!.test('v12'));
});

test('a next-page link to another host is refused', () => {
  assert.equal(nextPage('</v2/a/tags/list?last=x&n=1>; rel="next"', 'r.io', 'tags'), '/v2/a/tags/list?last=x&n=1');
  assert.equal(nextPage('', 'r.io', 'tags'), undefined);
  assert.throws(
    () => nextPage('<https://evil.example/v2/a/tags/list>; rel="next"', 'r.io', 'tags'),
    /not on this registry/,
  );
});

test('polls queue a scan per new or moved tag, nothing for unchanged ones', { skip }, async () => {
  const v1 = await push('team/app', 'v1', 'one');
  await push('team/app', 'v2', 'two');
  await push('team/app', 'dev', 'dev');
  await push('team/lib', 'v1', 'lib');
  await push('other/x', 'v1', 'x');

  // Pagination through Link, one tag a page; _catalog is open on this registry.
  assert.deepEqual((await listTags(host, 'team/app', {}, 100, 1)).sort(), ['dev', 'v1', 'v2']);
  assert.deepEqual((await listRepositories(host, {}))!.sort(), ['other/x', 'team/app', 'team/lib']);

  const store = await ServerStore.open(`sqlite:${join(root, 'store.db')}`);
  const queue = new SqliteQueue(store.db, { maxAttempts: 1, jobTimeoutSeconds: 60 });
  const logger = new MemoryLogger();
  const entry: WatchedRegistry = {
    host,
    repositories: ['team/*'],
    tags: ['v*'],
    pollIntervalMs: 60_000,
    insecure: false,
  };
  try {
    const first = await pollRegistry(entry, store, queue, logger);
    assert.equal(first.queued.length, 3);
    const images = (await store.db.selectFrom('scans').select('requested_ref').execute())
      .map((r) => r.requested_ref)
      .sort();
    assert.equal(images.length, 3);
    assert.ok(images.includes(`${host}/team/app:v1@${v1}`), images.join(' '));
    assert.ok(images.every((i) => !i.includes(':dev@') && !i.includes('other/x')));

    assert.deepEqual((await pollRegistry(entry, store, queue, logger)).queued, []);

    const moved = await push('team/app', 'v1', 'one again');
    assert.notEqual(moved, v1);
    const third = await pollRegistry(entry, store, queue, logger);
    assert.equal(third.queued.length, 1);
    assert.equal((await store.scan(third.queued[0]!))!.image, `${host}/team/app:v1@${moved}`);

    // A regex narrows further; a glob-free repository needs no catalog.
    const narrow = { ...entry, repositories: ['team/lib'], tagRegex: /^v[0-9]+$/ };
    assert.deepEqual((await pollRegistry(narrow, store, queue, logger)).queued, []);
  } finally {
    await queue.stop();
    await store.close();
  }
});
