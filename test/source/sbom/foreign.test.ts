/**
 * SBOMs other tools wrote (issue 17 item 6), read from their real output
 * (test/fixtures/sbom/SOURCE.md): Trivy 0.44.1's SPDX `sourceInfo` and
 * CycloneDX `Src*` properties, Syft's JSON, SPDX and CycloneDX (metadata,
 * purl `upstream`, `distro`, relationships); the warning for OS packages
 * without a source package; an SBOM on standard input.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { Package } from '../../../src/model/package.js';
import { readSbomStdin } from '../../../src/source/sbom/input.js';
import { parseSbom, readSbom } from '../../../src/source/sbom/read.js';
import { LimitError, UserError } from '../../../src/util/errors.js';
import { fixture } from '../../support/paths.js';

const text = (...parts: string[]): string => {
  const buf = readFileSync(fixture('sbom', ...parts));
  return (parts.at(-1)!.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
};
const parse = (...parts: string[]) => parseSbom(text(...parts), parts.join('/'));

/** name version → source as matched (`srcName@srcVersion`, the version the binary's when none is stated). */
function sources(pkgs: Package[]): Record<string, string> {
  return Object.fromEntries(
    pkgs.map((p) => [`${p.name} ${p.version}`, p.srcName ? `${p.srcName}@${p.srcVersion ?? p.version}` : '']),
  );
}

test('Trivy SPDX: sourceInfo gives each Debian binary its source package, the OS package the OS', () => {
  const inv = parse('trivy', 'distroless.spdx.json');
  assert.equal(inv.format, 'spdx-json');
  assert.deepEqual(inv.os, { family: 'debian', name: '12.15', versionId: '12.15' });
  const src = sources(inv.packages.filter((p) => p.ecosystem === 'deb'));
  assert.equal(src['libc6 2.36-9+deb12u14'], 'glibc@2.36-9+deb12u14');
  assert.equal(src['libgcc-s1 12.2.0-14+deb12u1'], 'gcc-12@12.2.0-14+deb12u1');
  assert.equal(src['libssl3 3.0.22-1~deb12u2'], 'openssl@3.0.22-1~deb12u2');
  // The epoch is in the binary's purl qualifier and in the source version sourceInfo writes.
  assert.equal(src['zlib1g 1:1.2.13.dfsg-1+deb12u1'], 'zlib@1:1.2.13.dfsg-1+deb12u1');
  assert.equal(Object.keys(src).length, 11);
  // The Go binary's modules live where Trivy's application says (`app/goapp`), as the image scan reports them.
  const go = inv.packages.filter((p) => p.ecosystem === 'go');
  assert.deepEqual(go.map((p) => `${p.name}@${p.version} ${p.filePath}`).sort(), [
    'github.com/dgrijalva/jwt-go@v3.2.0+incompatible app/goapp',
    'golang.org/x/net@v0.7.0 app/goapp',
  ]);
  assert.deepEqual(inv.warnings, []);
});

test("Trivy CycloneDX: SrcName, SrcEpoch, SrcVersion and SrcRelease joined give the same sources as Trivy's SPDX", () => {
  for (const image of ['distroless', 'debian-bookworm']) {
    const gz = image === 'distroless' ? '' : '.gz';
    const cdx = parse('trivy', `${image}.cdx.json${gz}`);
    const spdx = parse('trivy', `${image}.spdx.json${gz}`);
    assert.equal(cdx.format, 'cyclonedx');
    assert.deepEqual(cdx.os, spdx.os, image);
    assert.deepEqual(sources(cdx.packages), sources(spdx.packages), image);
    const os = cdx.packages.filter((p) => p.ecosystem === 'deb');
    assert.ok(os.length > 10 && os.every((p) => p.srcName), `${image}: every Debian package has its source`);
    assert.deepEqual(cdx.warnings, [], image);
  }
  // SrcVersion 2.36 + SrcRelease 9+deb12u14: compared as 2.36 alone, every glibc advisory of the release matched.
  assert.equal(
    sources(parse('trivy', 'debian-bookworm.cdx.json.gz').packages)['libc6 2.36-9+deb12u14'],
    'glibc@2.36-9+deb12u14',
  );
});

test('Syft JSON: artifacts, dpkg metadata, distro as os-release; an unmatchable purl warned about', () => {
  const inv = parse('syft', 'TestImageEncoder.syft.json');
  assert.equal(inv.format, 'syft-json');
  assert.equal(inv.name, 'user-image-input');
  assert.deepEqual(inv.os, { family: 'debian', name: '1.2.3', versionId: '1.2.3' });
  // dpkg `source: ""`: the database names none, so the package is its own source (as dpkg reads it).
  assert.deepEqual(
    inv.packages.map((p) => [p.ecosystem, p.name, p.version, p.srcName, p.filePath]),
    [['deb', 'package-2', '2.0.1', 'package-2', 'somefile-2.txt']],
  );
  assert.deepEqual(inv.warnings, [
    'syft/TestImageEncoder.syft.json: artifact "package-1": purl a-purl-1 is not one customs can match; skipped',
  ]);
});

test('Syft JSON of Alpine: originPackage is the source, the distro the OS, every package read', () => {
  const inv = parse('syft', 'alpine.syft.json.gz');
  assert.equal(inv.format, 'syft-json');
  assert.deepEqual(inv.os, { family: 'alpine', name: '3.12.12', versionId: '3.12.12' });
  assert.equal(inv.packages.length, 14);
  const src = sources(inv.packages);
  assert.equal(src['libc-utils 0.7.2-r3'], 'libc-dev@0.7.2-r3');
  assert.equal(src['ca-certificates-bundle 20211220-r0'], 'ca-certificates@20211220-r0');
  assert.equal(src['libssl1.1 1.1.1n-r0'], 'openssl@1.1.1n-r0');
  assert.equal(src['zlib 1.2.12-r0'], 'zlib@1.2.12-r0');
  assert.deepEqual(inv.warnings, []);
});

test('Syft SPDX (JSON and tag-value) and CycloneDX (JSON and XML): the same package and source as its JSON', () => {
  for (const file of ['TestSPDXJSONImageEncoder.spdx.json', 'TestSPDXTagValueImageEncoder.spdx']) {
    const inv = parse('syft', file);
    assert.deepEqual(
      inv.packages.map((p) => [p.ecosystem, p.name, p.version, p.srcName]),
      [['deb', 'package-2', '2.0.1', 'package-2']],
      file,
    );
    // Syft's SPDX has no OS package and this purl no distro qualifier: no OS to match in, said by the scan.
    assert.equal(inv.os, undefined, file);
    assert.match(inv.warnings.join('\n'), /package "package-1": purl a-purl-1 is not one customs can match/, file);
  }
  for (const file of ['TestCycloneDxImageEncoder.cdx.json', 'TestCycloneDxImageEncoder.cdx.xml']) {
    const cdx = parse('syft', file);
    assert.deepEqual(cdx.os, { family: 'debian', name: '1.2.3', versionId: '1.2.3' }, file);
    assert.deepEqual(
      cdx.packages.map((p) => [p.ecosystem, p.name, p.version, p.srcName, p.filePath]),
      [['deb', 'package-2', '2.0.1', 'package-2', 'somefile-2.txt']],
      file,
    );
  }
  const spdx = parse('syft', 'alpine-3.10.syft.spdx.json');
  assert.deepEqual(spdx.os, { family: 'alpine', name: '3.10.9', versionId: '3.10.9' });
  assert.deepEqual(sources(spdx.packages), {
    'busybox 1.30.1-r5': 'busybox@1.30.1-r5',
    'libssl1.1 1.1.1k-r0': 'libssl1.1@1.1.1k-r0',
    'ssl_client 1.30.1-r5': 'busybox@1.30.1-r5',
  });
});

test("Syft's syft:metadata properties and ownership-by-file-overlap are read", () => {
  const doc = JSON.parse(text('syft', 'TestImageEncoder.syft.json')) as {
    artifacts: { id: string; purl: string; metadata: Record<string, unknown> }[];
    artifactRelationships: unknown[];
  };
  doc.artifacts[0]!.purl = 'pkg:pypi/package-1@1.0.1';
  doc.artifacts[1]!.metadata['source'] = 'package-src';
  doc.artifacts[1]!.metadata['sourceVersion'] = '2.0.0';
  doc.artifactRelationships.push({
    parent: doc.artifacts[1]!.id,
    child: doc.artifacts[0]!.id,
    type: 'ownership-by-file-overlap',
  });
  const inv = parseSbom(JSON.stringify(doc), 'owned.syft.json');
  const py = inv.packages.find((p) => p.ecosystem === 'pypi');
  assert.equal(py?.ownedBy, 'package-2', 'the Debian package owns the Python package its files overlap');
  assert.equal(sources(inv.packages)['package-2 2.0.1'], 'package-src@2.0.0');
  const cdx = JSON.parse(text('syft', 'TestCycloneDxImageEncoder.cdx.json')) as {
    components: { name: string; properties?: { name: string; value: string }[] }[];
  };
  cdx.components
    .find((c) => c.name === 'package-2')!
    .properties!.push({ name: 'syft:metadata:source', value: 'package-src' });
  assert.equal(sources(parseSbom(JSON.stringify(cdx), 'x.cdx.json').packages)['package-2 2.0.1'], 'package-src@2.0.1');
});

test('OS packages without a source package are counted in one warning', () => {
  const doc = JSON.parse(text('trivy', 'distroless.spdx.json')) as { packages: Record<string, unknown>[] };
  for (const p of doc.packages) if (p['name'] !== 'libc6') delete p['sourceInfo'];
  const inv = parseSbom(JSON.stringify(doc), 'stripped.spdx.json');
  const warning = inv.warnings.find((w) => w.includes('no source package'));
  assert.match(
    warning ?? '',
    /^stripped\.spdx\.json: 10 of 11 OS packages \(base-files, ca-certificates, libgcc-s1, …\) have no source package/,
  );
  assert.equal(sources(inv.packages)['libc6 2.36-9+deb12u14'], 'glibc@2.36-9+deb12u14');
  // A Syft document is different: Syft leaves the source out only when the package is its own.
  assert.ok(!parse('syft', 'alpine.syft.json.gz').warnings.some((w) => w.includes('no source package')));
});

test('stdin: read to its end within the size limit, refused past it; empty input says so', async () => {
  const doc = text('trivy', 'distroless.cdx.json');
  const chunks = [doc.slice(0, 5000), doc.slice(5000)];
  const read = await readSbomStdin(doc.length, Readable.from(chunks.map((c) => Buffer.from(c))));
  assert.equal(read, doc);
  assert.equal(parseSbom(read, 'stdin').packages.length, 13);
  await assert.rejects(
    readSbomStdin(1000, Readable.from(chunks.map((c) => Buffer.from(c)))),
    (e: unknown) => e instanceof LimitError && /^stdin: more than 1000 bytes: exceeds max SBOM size/.test(e.message),
  );
  assert.throws(
    () => parseSbom('  \n', 'stdin'),
    (e: unknown) => e instanceof UserError && /^stdin: empty/.test(e.message),
  );
});

test('a file is read as stdin is: the format is sniffed from the content, not the name', () => {
  const inv = readSbom(fixture('sbom', 'syft', 'TestSPDXTagValueImageEncoder.spdx'));
  assert.equal(inv.format, 'spdx');
});

test("Syft names the OS by os-release ID (rhel, almalinux): read as customs' family names", () => {
  const doc = JSON.parse(text('syft', 'TestImageEncoder.syft.json')) as { distro: Record<string, unknown> };
  doc.distro = { id: 'rhel', versionID: '9.4', idLike: ['fedora'] };
  assert.deepEqual(parseSbom(JSON.stringify(doc), 'rhel.syft.json').os, {
    family: 'redhat',
    name: '9.4',
    versionId: '9.4',
  });
  const cdx = JSON.parse(text('syft', 'TestCycloneDxImageEncoder.cdx.json')) as {
    components: { type: string; name: string; version?: string }[];
  };
  Object.assign(
    cdx.components.find((c) => c.type === 'operating-system')!,
    { name: 'almalinux', version: '9.4' },
  );
  assert.equal(parseSbom(JSON.stringify(cdx), 'alma.cdx.json').os?.family, 'alma');
  // Trivy's own family names are kept as they are.
  assert.equal(parse('trivy', 'alpine-amd64.cdx.json').os?.family, 'alpine');
});
