/**
 * customs against a registry that misbehaves (test/hostile/hostile-registry.ts):
 * bounded redirects, retries honouring Retry-After, recovery from 5xx, size
 * caps on manifests and blobs, and deadlines against servers that trickle.
 * Every failure is one line naming the registry, what went wrong and the fix.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runCli, type CliRun } from '../support/cli.js';
import { packagesOf, type JsonReport } from './corpus/cases.js';
import { ALPINE_PACKAGES } from './corpus/content.js';
import { startHostileRegistry, type HostileRegistry } from './hostile-registry.js';
import { diffSnapshots, makeSandbox, removeSandbox, snapshot } from './sandbox.js';

describe('hostile registry', { concurrency: 1 }, () => {
  let reg: HostileRegistry;
  before(async () => {
    reg = await startHostileRegistry();
  });
  after(async () => {
    await reg.close();
  });

  async function scan(repo: string, extra: string[] = []): Promise<CliRun & { ms: number }> {
    const sb = makeSandbox();
    try {
      const before = snapshot(sb.root, [sb.cache]);
      const t0 = Date.now();
      const run = await runCli(
        [
          'image',
          `${reg.host}/${repo}:latest`,
          '--insecure',
          '--scanners',
          'none',
          '-f',
          'json',
          '--list-all-pkgs',
          ...extra,
        ],
        { env: sb.env, cwd: sb.work, timeoutMs: 60_000 },
      );
      const ms = Date.now() - t0;
      assert.deepEqual(diffSnapshots(before, snapshot(sb.root, [sb.cache])), [], 'no file written outside the cache');
      assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr}`);
      assert.doesNotMatch(run.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
      return { ...run, ms };
    } finally {
      removeSandbox(sb);
    }
  }

  const alpineFound = (run: CliRun): void => {
    assert.equal(run.code, 0, run.stderr);
    assert.equal(packagesOf(JSON.parse(run.stdout) as JsonReport, 'alpine').length, ALPINE_PACKAGES);
  };

  test('a well-behaved repository scans (the control case)', async () => alpineFound(await scan('good')));

  test('redirects forever: stops at the redirect limit, naming the registry', async () => {
    const run = await scan('redirect-loop');
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      new RegExp(`customs: error: ${reg.host.replace(/\./g, '\\.')}: more than 5 redirects .*misconfigured`),
    );
  });

  test('429 with Retry-After: waits as told, then succeeds', async () => {
    const run = await scan('rate-limited');
    alpineFound(run);
    const t = reg.hits.get('GET /v2/rate-limited/manifests/latest')!;
    assert.equal(t.length, 2);
    assert.ok(t[1]! - t[0]! >= 950, `second try ${t[1]! - t[0]!} ms after the first`);
  });

  test('5xx then success: retried with backoff', async () => alpineFound(await scan('flaky')));

  test('5xx for good: the error names the registry, the status and the fix', async () => {
    const run = await scan('down');
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /customs: error: 127\.0\.0\.1:\d+\/down: manifest latest: HTTP 503 \(the registry failed; retry later\)/,
    );
    assert.equal(reg.hits.get('GET /v2/down/manifests/latest')!.length, 4, 'one try and three retries');
  });

  test('a manifest larger than the cap is refused while it streams', async () => {
    const run = await scan('huge-manifest');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /huge-manifest: manifest latest: more than 4194304 bytes/);
  });

  test('a blob larger than declared is refused', async () => {
    const run = await scan('blob-too-big');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /blob-too-big:latest: layer sha256:[0-9a-f]{64}: more bytes than the declared \d+/);
  });

  test('slow-loris manifest: the body deadline (--registry-timeout) ends it', async () => {
    const run = await scan('slow-loris', ['--registry-timeout', '1s']);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /slow-loris: manifest latest: the body did not arrive within 1000 ms .*--registry-timeout/,
    );
    assert.ok(run.ms < 15_000, `ended after ${run.ms} ms`);
  });

  test('slow-loris blob: the scan deadline (--timeout) ends it', async () => {
    const run = await scan('slow-blob', ['--timeout', '3s']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /the scan did not finish within 3s \(--timeout\)/);
    assert.ok(run.ms < 15_000, `ended after ${run.ms} ms`);
  });
});
