/**
 * Trivy's and Grype's spellings of `customs image` (issue 17, items 2 and 7),
 * through the real CLI on a tiny image written here: a bookworm status file
 * with two packages Debian has advisories for.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipLayer, writeDockerArchive, writeOciLayout, type ImageSpec } from '../hostile/corpus/image-writer.js';
import { rawTar } from '../hostile/corpus/tar-writer.js';
import { runCli } from '../support/cli.js';
import { ensureDb } from '../support/db.js';

const dir = mkdtempSync(join(tmpdir(), 'customs-spellings-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const spec: ImageSpec = {
  layers: [
    gzipLayer(
      rawTar([
        { name: 'etc/os-release', body: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' },
        {
          name: 'var/lib/dpkg/status',
          body: [
            'Package: libexpat1\nStatus: install ok installed\nVersion: 2.5.0-1\nArchitecture: amd64\nSource: expat\n',
            'Package: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\nSource: zlib\n',
          ].join('\n'),
        },
      ]),
    ),
  ],
};
const image = join(dir, 'image.tar');
writeDockerArchive(image, 'spellings-test', spec);

/** A cache with no database and a source that cannot be reached: any database build fails loudly. */
function noDbEnv(): { CUSTOMS_CACHE_DIR: string; CUSTOMS_DB_SOURCE: string } {
  return {
    CUSTOMS_CACHE_DIR: mkdtempSync(join(dir, 'empty-cache-')),
    CUSTOMS_DB_SOURCE: 'https://db.invalid/never-used',
  };
}

interface Json {
  ArtifactName: string;
  Results?: {
    Class?: string;
    Packages?: { Name: string }[];
    Vulnerabilities?: { Severity: string }[];
    Misconfigurations?: { ID: string }[];
  }[];
}
const parse = (s: string): Json => JSON.parse(s) as Json;
const packages = (r: Json): string[] => (r.Results ?? []).flatMap((x) => (x.Packages ?? []).map((p) => p.Name)).sort();

test('--input with a missing file fails at once, before any database build', async () => {
  const env = noDbEnv();
  const run = await runCli(['image', '--input', join(dir, 'missing.tar')], { env });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /missing\.tar: no such file or directory/);
  assert.doesNotMatch(run.stderr, /db\.invalid/);
  assert.deepEqual(readdirSync(env.CUSTOMS_CACHE_DIR), []);
});

test('--platform that a single-platform image lacks is an error naming the platform it has', async () => {
  const env = noDbEnv();
  const run = await runCli(['image', '--input', image, '--platform', 'linux/arm64'], { env });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /no image for platform linux\/arm64/);
  assert.match(run.stderr, /available: linux\/amd64/);
  assert.deepEqual(readdirSync(env.CUSTOMS_CACHE_DIR), []);
  const ok = await runCli(['image', '--input', image, '--platform', 'linux/amd64', '--scanners', 'none', '-q'], {
    env,
  });
  assert.equal(ok.code, 0, ok.stderr);
});

test('a missing path given as the image reference points to --input', async () => {
  const run = await runCli(['image', join(dir, 'nowhere', 'x.tar')], { env: noDbEnv() });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /no such file or directory exists/);
  assert.match(run.stderr, /--input PATH/);
});

test('an existing archive given as the image reference is scanned as --input, and says so', async () => {
  const run = await runCli(['image', image, '--scanners', 'none', '--list-all-pkgs', '-f', 'json'], {
    env: noDbEnv(),
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /scanning it as --input/);
  assert.deepEqual(packages(parse(run.stdout)), ['libexpat1', 'zlib1g']);
});

test('`i` is an alias of image, and --no-progress is accepted', async () => {
  const run = await runCli(
    ['i', '--input', image, '--no-progress', '--scanners', 'none', '--list-all-pkgs', '-f', 'json'],
    {
      env: noDbEnv(),
    },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(packages(parse(run.stdout)), ['libexpat1', 'zlib1g']);
});

test('--security-checks config is --scanners misconfig', async () => {
  const env = noDbEnv();
  const viaTrivyOld = await runCli(['image', '--input', image, '--security-checks', 'config', '-f', 'json', '-q'], {
    env,
  });
  const viaScanners = await runCli(['image', '--input', image, '--scanners', 'misconfig', '-f', 'json', '-q'], {
    env,
  });
  assert.equal(viaTrivyOld.code, 0, viaTrivyOld.stderr);
  assert.equal(viaScanners.code, 0, viaScanners.stderr);
  const ids = (r: Json): string[] => (r.Results ?? []).flatMap((x) => (x.Misconfigurations ?? []).map((m) => m.ID));
  assert.ok(ids(parse(viaScanners.stdout)).length > 0, 'the image (root user, no healthcheck) has misconfigurations');
  assert.deepEqual(ids(parse(viaTrivyOld.stdout)), ids(parse(viaScanners.stdout)));
});

test("Grype's scheme prefixes: docker-archive:, oci-dir:, sbom:", async () => {
  const env = noDbEnv();
  const inventory = ['--scanners', 'none', '--list-all-pkgs', '-f', 'json', '-q'];
  const docker = await runCli(['image', `docker-archive:${image}`, ...inventory], { env });
  assert.equal(docker.code, 0, docker.stderr);
  assert.deepEqual(packages(parse(docker.stdout)), ['libexpat1', 'zlib1g']);

  const layout = join(dir, 'layout');
  writeOciLayout(layout, 'spellings-test', spec);
  const oci = await runCli(['image', `oci-dir:${layout}`, ...inventory], { env });
  assert.equal(oci.code, 0, oci.stderr);
  assert.deepEqual(packages(parse(oci.stdout)), ['libexpat1', 'zlib1g']);

  const sbom = join(dir, 'sbom.cdx.json');
  const made = await runCli(['image', '--input', image, '-f', 'cyclonedx', '-o', sbom, '-q'], { env });
  assert.equal(made.code, 0, made.stderr);
  const fromSbom = await runCli(['image', `sbom:${sbom}`, ...inventory], { env });
  assert.equal(fromSbom.code, 0, fromSbom.stderr);
  assert.deepEqual(packages(parse(fromSbom.stdout)), ['libexpat1', 'zlib1g']);
});

test('registry: forces a registry reference, even where a file of that name exists', async () => {
  const run = await runCli(['image', `registry:${image}`, '--scanners', 'none', '--registry-timeout', '5s'], {
    env: noDbEnv(),
  });
  assert.notEqual(run.code, 0);
  assert.doesNotMatch(run.stderr, /scanning it as --input/);
  // The prefix is stripped and the rest read as a reference (a path is not one), not the host `registry`.
  assert.ok(run.stderr.includes(`invalid image reference "${image}"`), run.stderr);
  assert.equal(run.stdout, '');
});

test('--fail-on SEVERITY exits 1 only when a finding at or above it remains', async (t) => {
  const db = ensureDb();
  if ('skip' in db) return t.skip(db.skip);
  const env = { CUSTOMS_CACHE_DIR: db.cacheDir };
  const base = ['image', '--input', image, '-q'];
  const report = await runCli([...base, '-f', 'json'], { env });
  assert.equal(report.code, 0, report.stderr);
  const order = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];
  const found = (parse(report.stdout).Results ?? []).flatMap((r) => (r.Vulnerabilities ?? []).map((v) => v.Severity));
  assert.ok(found.length > 0, 'the test image has advisories');
  const worst = order.find((s) => found.includes(s))!;
  const hit = await runCli([...base, '--fail-on', worst.toLowerCase()], { env });
  assert.equal(hit.code, 1, hit.stderr);
  const withCode = await runCli([...base, '--fail-on', worst, '--exit-code', '3'], { env });
  assert.equal(withCode.code, 3, withCode.stderr);
  const above = order[order.indexOf(worst) - 1];
  if (above) {
    const miss = await runCli([...base, '--fail-on', above], { env });
    assert.equal(miss.code, 0, miss.stderr);
  }
});

test('--fail-on with an unknown severity fails before any database build', async () => {
  const env = noDbEnv();
  const run = await runCli(['image', '--input', image, '--fail-on', 'severe'], { env });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /--fail-on: unknown severity "severe"/);
  assert.deepEqual(readdirSync(env.CUSTOMS_CACHE_DIR), []);
});
