/**
 * One package per (ecosystem, name, version, project): the installed copy
 * wins over the lockfile entry, every place is kept, and packages of
 * different projects or of self-contained binaries never merge.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Package } from '../../src/model/package.js';
import { mergeSightings, projectOf } from '../../src/artifact/sightings.js';

const pkg = (name: string, version: string, filePath: string, extra: Partial<Package> = {}): Package => ({
  name,
  version,
  filePath,
  purl: `pkg:npm/${name}@${version}`,
  ecosystem: 'npm',
  type: 'node-pkg',
  origin: 'installed',
  ...extra,
});

test('the project of a file: the directory above node_modules/vendor, the lockfile directory, or the archive itself', () => {
  assert.equal(projectOf({ filePath: 'app/node_modules/a/node_modules/b/package.json', type: 'node-pkg' }), 'app');
  assert.equal(projectOf({ filePath: 'app/package-lock.json', type: 'npm' }), 'app');
  assert.equal(projectOf({ filePath: 'srv/php/vendor/composer/installed.json', type: 'composer-vendor' }), 'srv/php');
  assert.equal(projectOf({ filePath: 'usr/local/bin/goapp', type: 'gobinary' }), 'usr/local/bin/goapp');
  assert.equal(projectOf({ filePath: 'srv/app.jar!/BOOT-INF/lib/x.jar', type: 'jar' }), 'srv/app.jar');
});

test('installed + lockfile + a nested copy of one version in one project are one package, seen at three places', () => {
  const out = mergeSightings([
    pkg('lodash', '4.17.15', 'app/package-lock.json', { type: 'npm', origin: 'lockfile', licenses: ['MIT'] }),
    pkg('lodash', '4.17.15', 'app/node_modules/x/node_modules/lodash/package.json'),
    pkg('lodash', '4.17.15', 'app/node_modules/lodash/package.json'),
    pkg('lodash', '4.17.21', 'app/node_modules/y/node_modules/lodash/package.json'),
  ]);
  assert.equal(out.length, 2);
  const one = out.find((p) => p.version === '4.17.15')!;
  assert.equal(one.filePath, 'app/node_modules/lodash/package.json');
  assert.equal(one.origin, 'installed');
  assert.deepEqual(one.licenses, ['MIT'], 'facts the kept sighting lacks come from the others');
  assert.deepEqual(one.foundIn, [
    'app/node_modules/lodash/package.json',
    'app/node_modules/x/node_modules/lodash/package.json',
    'app/package-lock.json',
  ]);
  assert.equal(out.find((p) => p.version === '4.17.21')!.foundIn, undefined);
});

test('different projects, Go binaries and OS packages are never merged; PyPI names fold as PEP 503 says', () => {
  const go = (file: string): Package => ({
    name: 'golang.org/x/net',
    version: 'v0.7.0',
    filePath: file,
    purl: 'pkg:golang/golang.org/x/net@v0.7.0',
    ecosystem: 'go',
    type: 'gobinary',
    origin: 'installed',
  });
  const deb = (arch: string): Package => ({
    name: 'libc6',
    version: '2.36-9',
    filePath: 'var/lib/dpkg/status',
    purl: '',
    ecosystem: 'deb',
    type: 'dpkg',
    origin: 'installed',
    arch,
  });
  const py = (name: string, file: string, origin: Package['origin']): Package => ({
    name,
    version: '5.3',
    filePath: file,
    purl: `pkg:pypi/pyyaml@5.3`,
    ecosystem: 'pypi',
    type: 'pip',
    origin,
  });
  const out = mergeSightings([
    pkg('lodash', '4.17.15', 'a/node_modules/lodash/package.json'),
    pkg('lodash', '4.17.15', 'b/node_modules/lodash/package.json'),
    go('usr/bin/a'),
    go('usr/bin/b'),
    deb('amd64'),
    deb('i386'),
    py('PyYAML', 'srv/requirements.txt', 'lockfile'),
    py('pyyaml', 'srv/Pipfile.lock', 'lockfile'),
  ]);
  assert.equal(out.length, 7);
  assert.deepEqual(out.find((p) => p.ecosystem === 'pypi')!.foundIn, ['srv/Pipfile.lock', 'srv/requirements.txt']);
});
