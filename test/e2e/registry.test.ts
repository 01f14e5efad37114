/**
 * Acceptance: images pushed to a real registry (Debian's docker-registry,
 * started by ../shared/images/registry.sh) in `none`, `htpasswd` and `token`
 * modes scan by reference with the same packages as their archive, and the
 * multi-arch alpine index with --platform linux/arm64/v8 yields aarch64.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { ensureImages, imageForms } from '../support/images.js';
import { sharedDir } from '../support/paths.js';

const script = join(sharedDir, 'images', 'registry.sh');
const IMAGES = ['node-app', 'distroless', 'alpine-amd64', 'alpine-arm64', 'alpine-multiarch'];
const REFS: Record<string, string> = {
  'node-app': 'fixtures/node-app:1.0',
  distroless: 'fixtures/distroless:1.0',
  'alpine-amd64': 'fixtures/alpine:3.20.3-amd64',
};
const images = ensureImages(IMAGES);
const work = mkdtempSync(join(tmpdir(), 'customs-e2e-reg-'));
const started: string[] = [];
after(() => {
  for (const a of started) execFileSync('bash', [script, 'stop', a], { stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
});

type Pkgs = string[];
async function packagesOf(args: string[], env: Record<string, string> = {}): Promise<Pkgs> {
  const r = await runCli(
    ['image', ...args, '--format', 'json', '--list-all-pkgs', '--scanners', 'none', '--no-cache', '--quiet'],
    { env },
  );
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as {
    Results: { Packages?: { Name: string; Version: string; Arch?: string; Layer?: { DiffID: string } }[] }[];
  };
  return report.Results.flatMap((x) => x.Packages ?? [])
    .map((p) => `${p.Name} ${p.Version} ${p.Arch ?? ''} ${p.Layer?.DiffID ?? ''}`)
    .sort();
}

function envOf(addr: string): Record<string, string> {
  const out = execFileSync('bash', [script, 'env', addr], { encoding: 'utf8' });
  return Object.fromEntries(
    out
      .split('\n')
      .map((l) => /^(?:export\s+)?(\w+)=['"]?(.*?)['"]?$/.exec(l))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => [m[1]!, m[2]!]),
  );
}

for (const mode of ['none', 'htpasswd', 'token']) {
  describe(`registry in ${mode} mode`, { concurrency: 1 }, () => {
    if ('skip' in images) {
      test('images', (t) => t.skip(images.skip));
      return;
    }
    let addr = '';
    let creds: string[] = [];
    test('start and push', () => {
      addr = execFileSync('bash', [script, 'start', mode], { encoding: 'utf8' }).trim().split('\n').pop()!;
      started.push(addr);
      execFileSync('bash', [script, 'push', addr, images.cache], { stdio: ['ignore', 'ignore', 'pipe'] });
      const env = envOf(addr);
      creds =
        mode === 'none' ? [] : ['--username', env['REGISTRY_USER'] ?? '', '--password', env['REGISTRY_PASS'] ?? ''];
    });
    for (const [name, ref] of Object.entries(REFS)) {
      test(`${name} by reference equals its archive`, async () => {
        const fromRegistry = await packagesOf([`${addr}/${ref}`, '--insecure', ...creds]);
        const fromArchive = await packagesOf(['--input', imageForms(images.cache, name).oci]);
        assert.ok(fromRegistry.length > 0);
        assert.deepEqual(fromRegistry, fromArchive);
      });
    }
    test('multi-arch index with --platform linux/arm64/v8 gives the aarch64 packages', async () => {
      const pkgs = await packagesOf([
        `${addr}/fixtures/alpine:3.20.3`,
        '--platform',
        'linux/arm64/v8',
        '--insecure',
        ...creds,
      ]);
      assert.ok(pkgs.length >= 10);
      assert.ok(
        pkgs.every((p) => p.split(' ')[2] === 'aarch64'),
        pkgs.join('\n'),
      );
      const amd = await packagesOf([`${addr}/fixtures/alpine:3.20.3`, '--insecure', ...creds]);
      assert.ok(amd.every((p) => p.split(' ')[2] === 'x86_64'));
    });
    if (mode !== 'none') {
      test('wrong credentials fail with one clear line and exit 1', async () => {
        const r = await runCli([
          'image',
          `${addr}/${REFS['alpine-amd64']}`,
          '--insecure',
          '--username',
          'nobody',
          '--password',
          'wrong',
          '--scanners',
          'none',
          '--quiet',
        ]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /customs: error: .*(HTTP 401|token request).*(credentials|docker login)/);
        assert.equal(r.stdout, '');
      });
    }
  });
}
