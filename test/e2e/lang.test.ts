/**
 * Acceptance (application dependencies): node-app's installed packages
 * (nested copies with their paths), dev-only lockfile entries absent by
 * default and marked with --include-dev-deps; polyglot's nested jars, the
 * whited-out jar gone, goapp's modules and stdlib, Debian's age with stdlib,
 * the venv's pip and setuptools, requirements.txt and Gemfile.lock entries
 * marked as lockfile entries. The expected side is read from the image
 * itself with tar, not with customs' parsers.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { ensureImages, imageForms } from '../support/images.js';
import { readLayout } from '../support/oci-layout.js';

const images = ensureImages(['node-app', 'polyglot']);
interface Pkg {
  Name: string;
  Version: string;
  FilePath: string;
  FoundIn?: string[];
  Dev?: boolean;
  Origin: string;
  OwnedBy?: string;
}

async function packages(name: string, extra: string[] = []): Promise<Pkg[]> {
  if ('skip' in images) throw new Error(images.skip);
  const r = await runCli([
    'image',
    '--input',
    imageForms(images.cache, name).oci,
    '--scanners',
    'none',
    '-f',
    'json',
    '--list-all-pkgs',
    '--no-cache',
    '--quiet',
    ...extra,
  ]);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { Results: { Class: string; Packages?: Pkg[] }[] }).Results.filter(
    (x) => x.Class === 'lang-pkgs',
  ).flatMap((x) => x.Packages ?? []);
}

describe('application dependencies in real images', { concurrency: 1 }, () => {
  if ('skip' in images) {
    test('images', (t) => t.skip(images.skip));
    return;
  }
  test('node-app: every installed package.json under /app/node_modules, nested copies included', async () => {
    const layout = readLayout(imageForms(images.cache, 'node-app').oci);
    const manifests = new Set<string>();
    for (const blob of layout.layerBlobs) {
      for (const n of execFileSync('tar', ['-tzf', blob], { encoding: 'utf8', maxBuffer: 256 << 20 }).split('\n')) {
        const p = n.replace(/^\.?\//, '');
        if (/^app\/node_modules\/(?:.*\/node_modules\/)?(?:@[^/]+\/)?[^/]+\/package\.json$/.test(p)) manifests.add(p);
      }
    }
    assert.equal(manifests.size, 85);
    const pkgs = await packages('node-app');
    // One package per (name, version, project): nested copies and the lockfile entry are places it was found.
    const seenAt = (p: Pkg): string[] => p.FoundIn ?? [p.FilePath];
    const installed = new Set(pkgs.flatMap(seenAt).filter((f) => f.startsWith('app/node_modules/')));
    assert.deepEqual([...installed].sort(), [...manifests].sort());
    assert.ok(
      pkgs.some(
        (p) =>
          p.Name === 'debug' &&
          p.Version === '2.6.9' &&
          seenAt(p).some((f) => f.includes('/node_modules/express/node_modules/')),
      ),
      'nested debug@2.6.9 under express',
    );
    const lock = pkgs.filter((p) => seenAt(p).includes('app/package-lock.json'));
    assert.ok(
      lock.length > 50 &&
        lock.every((p) => p.Origin === (p.FilePath === 'app/package-lock.json' ? 'lockfile' : 'installed')),
    );
    const ids = pkgs.filter((p) => p.FilePath.startsWith('app/')).map((p) => `${p.Name}@${p.Version}`);
    assert.equal(new Set(ids).size, ids.length, 'each package of the app once');
    assert.ok(!lock.some((p) => p.Name === 'mocha'), 'dev-only entries are left out by default');
    const withDev = await packages('node-app', ['--include-dev-deps']);
    const mocha = withDev.find((p) => p.Name === 'mocha');
    assert.equal(mocha?.Dev, true);
    assert.equal(withDev.filter((p) => p.Dev).length, 22);
  });

  test('polyglot: nested jars, whiteouts, Go binaries, the venv, and lockfiles', async () => {
    const pkgs = await packages('polyglot');
    const at = (path: string) =>
      pkgs
        .filter((p) => p.FilePath === path)
        .map((p) => `${p.Name}@${p.Version}`)
        .sort();
    assert.deepEqual(at('srv/app/lib/app.jar!/BOOT-INF/lib/jackson-databind-2.14.0.jar'), [
      'com.fasterxml.jackson.core:jackson-databind@2.14.0',
    ]);
    assert.deepEqual(at('srv/app/lib/app.jar!/BOOT-INF/lib/commons-text-1.10.0.jar'), [
      'org.apache.commons:commons-text@1.10.0',
    ]);
    assert.equal(at('srv/app/lib/app.jar!/BOOT-INF/lib/spring-core-4.3.30.RELEASE.jar').length, 1);
    assert.ok(!pkgs.some((p) => p.FilePath.startsWith('srv/app/lib/legacy-app.jar')), 'the whited-out jar is gone');
    assert.deepEqual(
      at('usr/local/bin/goapp').filter((n) => !n.includes('(devel)')),
      ['github.com/dgrijalva/jwt-go@v3.2.0+incompatible', 'golang.org/x/net@v0.7.0', 'stdlib@1.19.8'],
    );
    assert.deepEqual(at('usr/bin/age'), ['stdlib@1.19.8']);
    const venv = pkgs
      .filter((p) => p.FilePath.startsWith('opt/venv/'))
      .map((p) => p.Name)
      .sort();
    assert.deepEqual(venv, ['pip', 'setuptools']);
    const req = pkgs.filter((p) => p.FilePath === 'srv/app/requirements.txt');
    assert.deepEqual(req.map((p) => `${p.Name}@${p.Version}`).sort(), [
      'Django@2.2.0',
      'Jinja2@2.10',
      'PyYAML@5.3',
      'requests@2.19.1',
      'urllib3@1.24.1',
    ]);
    const gems = pkgs.filter((p) => p.FilePath === 'srv/app/Gemfile.lock');
    assert.ok(gems.some((p) => p.Name === 'rack' && p.Version === '2.0.6'));
    assert.ok([...req, ...gems].every((p) => p.Origin === 'lockfile'));
    const debianPython = pkgs.filter((p) => p.FilePath.startsWith('usr/lib/python3/dist-packages/'));
    assert.ok(
      debianPython.length >= 10 && debianPython.every((p) => p.OwnedBy),
      'Debian-shipped Python metadata is linked to its OS package',
    );
  });
});
