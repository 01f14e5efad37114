/**
 * `--input -`: a `docker save` stream on stdin, in both layouts Docker
 * writes (legacy `<id>/layer.tar` and Docker ≥ 25's OCI layout inside),
 * read through the same spool as an engine's export, gives what the file
 * gives; the spool is gone afterwards, and a stream that is not an image
 * is one error line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { ensureImages, imageForms } from '../support/images.js';

const images = ensureImages(['alpine-amd64']);
const tmp = mkdtempSync(join(tmpdir(), 'customs-stdin-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const packagesOf = (stdout: string): string[] =>
  (JSON.parse(stdout) as { Results?: { Packages?: { Name: string; Version: string }[] }[] })
    .Results!.flatMap((r) => (r.Packages ?? []).map((p) => `${p.Name}@${p.Version}`))
    .sort();

describe('--input -', { skip: 'skip' in images ? images.skip : undefined }, () => {
  const flags = ['--scanners', 'none', '--list-all-pkgs', '-f', 'json', '--no-cache'];
  for (const form of ['dockerArchive', 'docker25'] as const) {
    test(`a ${form} stream on stdin scans as the file does`, async () => {
      const file = imageForms((images as { cache: string }).cache, 'alpine-amd64')[form];
      const env = { TMPDIR: tmp };
      const fromStdin = await runCli(['image', '--input', '-', ...flags], { env, input: readFileSync(file) });
      assert.equal(fromStdin.code, 0, fromStdin.stderr);
      const fromFile = await runCli(['image', '--input', file, ...flags], { env });
      assert.deepEqual(packagesOf(fromStdin.stdout), packagesOf(fromFile.stdout));
      assert.ok(packagesOf(fromStdin.stdout).length > 5);
      assert.deepEqual(readdirSync(tmp), [], 'the spool is removed');
    });
  }

  test('a stream that is not an image is one error line', async () => {
    const r = await runCli(['image', '--input', '-', ...flags], { env: { TMPDIR: tmp }, input: 'not a tar' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^customs: error: stdin \(--input -\): /);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.deepEqual(readdirSync(tmp), []);
  });

  test('--input - with --password-stdin is refused', async () => {
    const r = await runCli(['image', '--input', '-', '--password-stdin', ...flags], { input: 'x' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /both read stdin/);
  });
});
