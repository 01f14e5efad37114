/**
 * Acceptance (SBOM input): an SBOM customs wrote (CycloneDX, SPDX JSON, SPDX
 * tag-value) gives the same vulnerabilities as the image it came from; SBOMs
 * written the way other tools write them (nested components, syft's
 * `upstream` qualifier, Trivy's apk `distro`) scan without errors.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { ensureDb } from '../support/db.js';
import { ensureImages, imageForms } from '../support/images.js';

const IMAGES = ['node-app', 'polyglot', 'distroless', 'alpine-amd64'];
const images = ensureImages(IMAGES);
const db = ensureDb();
const work = mkdtempSync(join(tmpdir(), 'customs-sbom-'));
after(() => rmSync(work, { recursive: true, force: true }));

function vulnSet(stdout: string): string[] {
  const rep = JSON.parse(stdout) as {
    Results: {
      Vulnerabilities?: { VulnerabilityID: string; PkgName: string; InstalledVersion: string; FixedVersion?: string }[];
    }[];
  };
  return [
    ...new Set(
      rep.Results.flatMap((r) => r.Vulnerabilities ?? []).map(
        (v) => `${v.VulnerabilityID} ${v.PkgName} ${v.InstalledVersion} ${v.FixedVersion ?? ''}`,
      ),
    ),
  ].sort();
}

describe('SBOM round trip and foreign SBOMs', { concurrency: 1 }, () => {
  if ('skip' in images) {
    test('images', (t) => t.skip(images.skip));
    return;
  }
  if ('skip' in db) {
    test('db', (t) => t.skip(db.skip));
    return;
  }
  const common = ['--cache-dir', db.cacheDir, '--skip-db-update', '--quiet'];
  for (const name of IMAGES) {
    test(`${name}: the image and its SBOMs give the same vulnerabilities`, async () => {
      const input = imageForms(images.cache, name).oci;
      const direct = await runCli(['image', '--input', input, '-f', 'json', ...common]);
      assert.equal(direct.code, 0, direct.stderr);
      const expected = vulnSet(direct.stdout);
      for (const format of ['cyclonedx', 'spdx-json', 'spdx']) {
        const file = join(work, `${name}.${format}`);
        const w = await runCli(['image', '--input', input, '-f', format, '-o', file, ...common]);
        assert.equal(w.code, 0, w.stderr);
        const r = await runCli(['sbom', file, '-f', 'json', ...common]);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(vulnSet(r.stdout), expected, `${name} via ${format}`);
      }
    });
  }

  test('SBOMs shaped like other tools write them scan without errors', async () => {
    const cdx = join(work, 'foreign.cdx.json');
    writeFileSync(
      cdx,
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.4',
        version: 1,
        metadata: { component: { type: 'container', name: 'alpine:3.20.3' } },
        components: [
          { type: 'operating-system', name: 'alpine', version: '3.20.3' },
          {
            type: 'library',
            name: 'busybox',
            version: '1.36.1-r29',
            purl: 'pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=3.20.3',
            components: [
              {
                type: 'library',
                name: 'ssl_client',
                version: '1.36.1-r29',
                purl: 'pkg:apk/alpine/ssl_client@1.36.1-r29?arch=x86_64&upstream=busybox&distro=3.20.3',
              },
            ],
          },
          {
            type: 'library',
            name: 'libssl3',
            version: '3.3.2-r0',
            purl: 'pkg:apk/alpine/libssl3@3.3.2-r0?arch=x86_64&upstream=openssl&distro=3.20.3',
          },
          { type: 'library', name: 'Django', version: '2.2.0', purl: 'pkg:pypi/django@2.2.0' },
          { type: 'library', name: 'weird', version: '1', purl: 'pkg:unknowntype/weird@1' },
        ],
      }),
    );
    const r1 = await runCli(['sbom', cdx, '-f', 'json', ...common.filter((x) => x !== '--quiet')]);
    assert.equal(r1.code, 0, r1.stderr);
    const v1 = vulnSet(r1.stdout);
    assert.ok(
      v1.some((v) => / libssl3 3\.3\.2-r0 /.test(v)),
      'openssl advisories reach libssl3 through upstream=openssl',
    );
    assert.ok(
      v1.some((v) => / Django 2\.2\.0 /.test(v)),
      'PyPI advisories match Django',
    );
    assert.match(r1.stderr, /pkg:unknowntype\/weird@1 is not one customs can match; skipped/);
    const spdx = join(work, 'foreign.spdx.json');
    writeFileSync(
      spdx,
      JSON.stringify({
        spdxVersion: 'SPDX-2.3',
        dataLicense: 'CC0-1.0',
        SPDXID: 'SPDXRef-DOCUMENT',
        name: 'app',
        documentNamespace: 'https://example.invalid/app',
        creationInfo: { created: '2026-11-24T00:00:00Z', creators: ['Tool: hand-written'] },
        packages: [
          {
            SPDXID: 'SPDXRef-zlib',
            name: 'zlib1g',
            versionInfo: '1:1.2.13.dfsg-1',
            downloadLocation: 'NOASSERTION',
            externalRefs: [
              {
                referenceCategory: 'PACKAGE-MANAGER',
                referenceType: 'purl',
                referenceLocator:
                  'pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&epoch=1&upstream=zlib&distro=debian-12',
              },
            ],
          },
        ],
      }),
    );
    const r2 = await runCli(['sbom', spdx, '-f', 'json', ...common]);
    assert.equal(r2.code, 0, r2.stderr);
    assert.ok(
      vulnSet(r2.stdout).some((v) => / zlib1g 1:1\.2\.13\.dfsg-1 /.test(v)),
      'Debian:12 advisories for source zlib',
    );
  });

  test('a malformed SBOM fails with the file named', async () => {
    const bad = join(work, 'bad.json');
    writeFileSync(bad, '{"bomFormat": "CycloneDX", ');
    const r = await runCli(['sbom', bad, ...common]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.json: not valid JSON/);
  });
});

describe('CycloneDX XML input', () => {
  if ('skip' in db) {
    test('db', (t) => t.skip(db.skip));
    return;
  }
  test('a CycloneDX 1.5 XML BOM (shaped like the spec examples) scans like its JSON twin', async () => {
    const xml = join(work, 'bom.xml');
    writeFileSync(
      xml,
      `<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5" serialNumber="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79" version="1">
  <metadata><component type="container"><name>app</name></component></metadata>
  <components>
    <component type="operating-system"><name>debian</name><version>12.7</version></component>
    <component type="library" bom-ref="zlib"><name>zlib1g</name><version>1:1.2.13.dfsg-1</version>
      <purl>pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&amp;epoch=1&amp;distro=debian-12</purl>
      <properties><property name="customs:package:src_name">zlib</property></properties></component>
    <component type="library"><name>Django</name><version>2.2.0</version><purl>pkg:pypi/django@2.2.0</purl>
      <licenses><license><id>BSD-3-Clause</id></license></licenses></component>
  </components>
</bom>`,
    );
    const r = await runCli(['sbom', xml, '-f', 'json', '--cache-dir', db.cacheDir, '--skip-db-update', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const v = vulnSet(r.stdout);
    assert.ok(
      v.some((x) => / zlib1g 1:1\.2\.13\.dfsg-1 /.test(x)),
      'Debian advisories by source zlib',
    );
    assert.ok(v.some((x) => / Django 2\.2\.0 /.test(x)));
    const bad = join(work, 'bad.xml');
    writeFileSync(
      bad,
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><bom xmlns="http://example.invalid">&a;</bom>',
    );
    const e = await runCli(['sbom', bad, '--cache-dir', db.cacheDir, '--skip-db-update', '--quiet']);
    assert.equal(e.code, 1);
    assert.match(e.stderr, /bad\.xml: (not a CycloneDX XML BOM|not well-formed XML)/);
  });
});
