import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { apkAnalyzer } from '../../../src/analyzer/os/apk.js';
import { dpkgFilesAnalyzer, dpkgStatusAnalyzer } from '../../../src/analyzer/os/dpkg.js';
import { eolInfo } from '../../../src/analyzer/os/eol.js';
import { osPackagePurl } from '../../../src/analyzer/os/os-purl.js';
import { detectFromFile, resolveOS } from '../../../src/analyzer/os/release.js';
import { rpmAnalyzer } from '../../../src/analyzer/os/rpm.js';
import { type Analyzer } from '../../../src/analyzer/types.js';
import { ownedPaths, type AnalyzerOutput } from '../../../src/model/facts.js';
import type { Package } from '../../../src/model/package.js';
import { fixture } from '../../support/paths.js';

async function run(
  a: Analyzer,
  path: string,
  content: Buffer,
): Promise<{ out: AnalyzerOutput | undefined; warnings: string[] }> {
  const warnings: string[] = [];
  assert.equal(a.required(path, { path, size: content.length, mode: 0o644 }), true, `${a.name} wants ${path}`);
  const out = await a.analyze({ path, size: content.length, mode: 0o644, content }, { warn: (m) => warnings.push(m) });
  return { out, warnings };
}
const pkgs = (o: AnalyzerOutput | undefined): Package[] => o?.packageSets?.flatMap((s) => s.packages) ?? [];

test('dpkg status: the same packages, versions, arches and sources as dpkg-query', async () => {
  const { out, warnings } = await run(
    dpkgStatusAnalyzer,
    'var/lib/dpkg/status',
    readFileSync(fixture('os', 'dpkg', 'status')),
  );
  assert.deepEqual(warnings, []);
  const got = pkgs(out)
    .map((p) => [p.name, p.version, p.arch, p.srcName, p.srcVersion].join('\t'))
    .sort();
  const want = readFileSync(fixture('os', 'dpkg', 'expected.tsv'), 'utf8')
    .trim()
    .split('\n')
    .sort();
  assert.equal(got.length, 88);
  assert.deepEqual(got, want);
});

test('dpkg status: a mangled paragraph costs a warning, the rest is parsed', async () => {
  const text = readFileSync(fixture('os', 'dpkg', 'status'), 'utf8');
  const paragraphs = text.split('\n\n');
  paragraphs[3] = 'this is not a field line\n' + paragraphs[3];
  const { out, warnings } = await run(dpkgStatusAnalyzer, 'var/lib/dpkg/status', Buffer.from(paragraphs.join('\n\n')));
  assert.equal(pkgs(out).length, 87);
  assert.match(warnings[0]!, /not a "Field: value" line; paragraph skipped/);
  const junk = await run(dpkgStatusAnalyzer, 'var/lib/dpkg/status', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]));
  assert.equal(junk.out, undefined);
  assert.match(junk.warnings[0]!, /binary data/);
});

test('dpkg: packages that are not installed (config-files only) are left out', async () => {
  const text =
    'Package: gone\nStatus: deinstall ok config-files\nVersion: 1.0\n\nPackage: here\nStatus: install ok installed\nVersion: 1:2.0-1\nArchitecture: amd64\nSource: src (1:2.0-0.1)\n';
  const { out } = await run(dpkgStatusAnalyzer, 'var/lib/dpkg/status', Buffer.from(text));
  assert.deepEqual(
    pkgs(out).map((p) => `${p.name} ${p.version} ${p.srcName} ${p.srcVersion}`),
    ['here 1:2.0-1 src 1:2.0-0.1'],
  );
});

test('distroless status.d paragraphs and md5sums', async () => {
  const { out } = await run(
    dpkgStatusAnalyzer,
    'var/lib/dpkg/status.d/libssl3',
    readFileSync(fixture('os', 'distroless', 'libssl3')),
  );
  const p = pkgs(out)[0]!;
  assert.equal(p.name, 'libssl3');
  assert.equal(p.srcName, 'openssl');
  assert.equal(
    dpkgStatusAnalyzer.required('var/lib/dpkg/status.d/libssl3.md5sums', { path: '', size: 1, mode: 0 }),
    false,
  );
  const md5 = await run(
    dpkgFilesAnalyzer,
    'var/lib/dpkg/status.d/libssl3.md5sums',
    readFileSync(fixture('os', 'distroless', 'libssl3.md5sums')),
  );
  const files = ownedPaths(md5.out!.ownedFiles!['libssl3']!);
  assert.ok(
    files.some((f) => /^usr\/lib\/x86_64-linux-gnu\/libssl\.so\.3$/.test(f)),
    files.join('\n'),
  );
});

test('dpkg info lists become owned files, without the root entry', async () => {
  const { out } = await run(
    dpkgFilesAnalyzer,
    'var/lib/dpkg/info/libc6:amd64.list',
    readFileSync(fixture('os', 'dpkg', 'libc6:amd64.list')),
  );
  const files = ownedPaths(out!.ownedFiles!['libc6:amd64']!);
  assert.ok(files.includes('lib/x86_64-linux-gnu/libc.so.6')); // bookworm's dpkg lists the pre-usrmerge paths
  assert.ok(!files.includes('') && !files.includes('.'));
});

test('apk installed database: the same packages as `apk info -v`, with origin, licence and files', async () => {
  const { out, warnings } = await run(
    apkAnalyzer,
    'lib/apk/db/installed',
    readFileSync(fixture('os', 'apk', 'installed')),
  );
  assert.deepEqual(warnings, []);
  const got = pkgs(out)
    .map((p) => `${p.name}-${p.version}`)
    .sort();
  assert.deepEqual(
    got,
    readFileSync(fixture('os', 'apk', 'expected.txt'), 'utf8')
      .trim()
      .split('\n'),
  );
  const ssl = pkgs(out).find((p) => p.name === 'libssl3')!;
  assert.equal(ssl.srcName, 'openssl');
  assert.equal(ssl.arch, 'x86_64');
  assert.deepEqual(ssl.licenses, ['Apache-2.0']);
  assert.ok(ownedPaths(out!.ownedFiles!['busybox']!).includes('bin/busybox'));
});

test('apk: a broken record is skipped with a warning', async () => {
  const text = readFileSync(fixture('os', 'apk', 'installed'), 'utf8').replace('P:musl\n', 'Pmusl-broken\n');
  const { out, warnings } = await run(apkAnalyzer, 'lib/apk/db/installed', Buffer.from(text));
  assert.equal(pkgs(out).length, 13);
  assert.ok(
    warnings.some((w) => /has no P: line; skipped/.test(w)),
    warnings.join('\n'),
  );
});

const rpmExpected = (): string[] =>
  readFileSync(fixture('os', 'rpm', 'expected.tsv'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const [n, v, a, src, lic] = l.split('\t');
      return [n, v!.replace(/^0:/, ''), a, src!.replace(/-[^-]+-[^-]+\.src\.rpm$/, ''), lic].join('\t');
    });
const rpmGot = (o: AnalyzerOutput | undefined): string[] =>
  pkgs(o)
    .map((p) => [p.name, p.version, p.arch, p.srcName, p.licenses?.[0]].join('\t'))
    .sort();

test('rpm sqlite database: the same packages as `rpm -qa`, opened from memory', async () => {
  const { out, warnings } = await run(
    rpmAnalyzer,
    'var/lib/rpm/rpmdb.sqlite',
    readFileSync(fixture('os', 'rpm', 'rpmdb.sqlite')),
  );
  assert.deepEqual(warnings, []);
  assert.deepEqual(rpmGot(out), rpmExpected());
  assert.deepEqual(ownedPaths(out!.ownedFiles!['bigdoc']!).sort(), ['usr/bin/bigdoc', 'usr/share/doc/bigdoc/README']);
});

test('rpm Berkeley DB hash database, including a header on overflow pages', async () => {
  const { out, warnings } = await run(
    rpmAnalyzer,
    'var/lib/rpm/Packages',
    readFileSync(fixture('os', 'rpm', 'Packages')),
  );
  assert.deepEqual(warnings, []);
  assert.deepEqual(rpmGot(out), rpmExpected());
});

test('rpm: a database that is not one is a warning', async () => {
  const r = await run(rpmAnalyzer, 'var/lib/rpm/Packages', Buffer.alloc(4096, 7));
  assert.equal(r.out, undefined);
  assert.match(r.warnings[0]!, /not a readable rpm database/);
});

test('OS release files, combined, give family, release, version id and codename', () => {
  const read = (f: string) => readFileSync(fixture('os', 'release', f), 'utf8');
  const deb = resolveOS([
    { path: 'etc/os-release', os: detectFromFile('etc/os-release', read('debian-bookworm.os-release'))! },
    { path: 'etc/debian_version', os: detectFromFile('etc/debian_version', read('debian-bookworm.debian_version'))! },
  ]);
  assert.deepEqual(deb, { family: 'debian', name: '12.15', versionId: '12', codename: 'bookworm' });
  const alp = resolveOS([
    { path: 'etc/os-release', os: detectFromFile('etc/os-release', read('alpine-3.20.3.os-release'))! },
    { path: 'etc/alpine-release', os: detectFromFile('etc/alpine-release', read('alpine-3.20.3.alpine-release'))! },
  ]);
  assert.deepEqual(alp, { family: 'alpine', name: '3.20.3', versionId: '3.20.3' });
  const trixie = resolveOS([
    { path: 'etc/os-release', os: detectFromFile('etc/os-release', read('debian-trixie.os-release'))! },
    { path: 'etc/debian_version', os: detectFromFile('etc/debian_version', read('debian-trixie.debian_version'))! },
  ]);
  assert.equal(trixie?.versionId, '13');
  assert.equal(detectFromFile('etc/redhat-release', 'Rocky Linux release 9.4 (Blue Onyx)\n')?.family, 'rocky');
});

test('end-of-life table: dated, by release', () => {
  const now = new Date('2026-11-24T00:00:00Z');
  assert.deepEqual(eolInfo({ family: 'debian', name: '11.11', versionId: '11' }, now), {
    eolDate: '2026-08-31',
    eosl: true,
  });
  assert.deepEqual(eolInfo({ family: 'debian', name: '12.15', versionId: '12' }, now), {
    eolDate: '2028-06-30',
    eosl: false,
  });
  assert.equal(eolInfo({ family: 'alpine', name: '3.20.3' }, now).eosl, true);
  assert.equal(eolInfo({ family: 'ubuntu', name: '22.04', versionId: '22.04' }, now).eosl, false);
  assert.deepEqual(eolInfo({ family: 'nonesuch', name: '1' }, now), { eosl: false });
});

test('OS purls carry namespace, arch, epoch and distro', () => {
  const base = { purl: '', type: 'dpkg', filePath: 'var/lib/dpkg/status', origin: 'installed' as const };
  const os = { family: 'debian', name: '12.7', versionId: '12' };
  assert.equal(
    osPackagePurl({ ...base, name: 'openssl', version: '3.0.15-1~deb12u1', arch: 'amd64', ecosystem: 'deb' }, os),
    'pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12',
  );
  assert.equal(
    osPackagePurl({ ...base, name: 'zlib1g', version: '1:1.2.13.dfsg-1', arch: 'amd64', ecosystem: 'deb' }, os),
    'pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&distro=debian-12&epoch=1',
  );
  assert.equal(
    osPackagePurl(
      { ...base, name: 'musl', version: '1.2.5-r0', arch: 'x86_64', ecosystem: 'apk' },
      { family: 'alpine', name: '3.20.3', versionId: '3.20.3' },
    ),
    'pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3',
  );
});
