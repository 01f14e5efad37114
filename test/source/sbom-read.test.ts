/**
 * SBOM input: readSbom on small CycloneDX JSON, CycloneDX XML, SPDX JSON and
 * SPDX tag-value documents, written here per the CycloneDX 1.6 and SPDX 2.3
 * specifications (the JSON ones are checked against the official schemas).
 * Packages come from purls (distro, epoch, upstream and arch qualifiers), the
 * OS from the OS component or a purl's distro; nested components are read;
 * the size and component limits refuse; an unmatchable purl is warned about.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Package } from '../../src/model/package.js';
import { readSbom } from '../../src/source/sbom/read.js';
import { LimitError, UserError } from '../../src/util/errors.js';
import { cycloneDxValidator, errorsOf, spdxValidator } from '../support/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'customs-sbom-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | object): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

/** The fields a test is about, in a stable order (the reader's order is not a contract). */
function summary(pkgs: Package[]): string[] {
  return pkgs
    .map((p) =>
      [
        p.ecosystem,
        p.name,
        p.version,
        p.type,
        p.srcName && `src=${p.srcName}@${p.srcVersion ?? ''}`,
        p.arch && `arch=${p.arch}`,
        p.licenses && `lic=${p.licenses.join('|')}`,
        p.origin,
      ]
        .filter(Boolean)
        .join(' '),
    )
    .sort();
}

const cdxJson = {
  bomFormat: 'CycloneDX',
  specVersion: '1.6',
  version: 1,
  metadata: { component: { 'bom-ref': 'image', type: 'container', name: 'example/app:1.0' } },
  components: [
    { 'bom-ref': 'os', type: 'operating-system', name: 'Debian', version: '12.7' },
    {
      'bom-ref': 'libc6',
      type: 'library',
      name: 'libc6',
      version: '2.36-9+deb12u7',
      purl: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12.7&upstream=glibc%402.36-9%2Bdeb12u7',
      licenses: [{ license: { name: 'GPL-2+' } }, { license: { id: 'LGPL-2.1-only' } }],
    },
    {
      'bom-ref': 'zlib1g',
      type: 'library',
      name: 'zlib1g',
      version: '1:1.2.13.dfsg-1',
      purl: 'pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&distro=debian-12.7&epoch=1',
      properties: [
        { name: 'aquasecurity:trivy:SrcName', value: 'zlib' },
        { name: 'aquasecurity:trivy:SrcVersion', value: '1:1.2.13.dfsg-1' },
      ],
    },
    {
      'bom-ref': 'app',
      type: 'application',
      name: 'app',
      components: [
        {
          'bom-ref': 'lodash',
          type: 'library',
          name: 'lodash',
          version: '4.17.21',
          purl: 'pkg:npm/lodash@4.17.21',
          licenses: [{ expression: 'MIT OR CC0-1.0' }],
          properties: [
            { name: 'customs:package:file_path', value: 'app/package-lock.json' },
            { name: 'customs:package:origin', value: 'lockfile' },
          ],
        },
        { 'bom-ref': 'pyyaml', type: 'library', name: 'PyYAML', version: '6.0.1', purl: 'pkg:pypi/pyyaml@6.0.1' },
      ],
    },
    {
      'bom-ref': 'nio',
      type: 'library',
      name: 'swift-nio',
      version: '2.62.0',
      purl: 'pkg:swift/github.com/apple/swift-nio@2.62.0',
    },
  ],
};

test('CycloneDX JSON: OS component, purl qualifiers, properties, nested components, an unmatchable purl warned about', () => {
  const v = cycloneDxValidator();
  assert.ok(v(cdxJson), errorsOf(v));
  const file = write('bom.cdx.json', cdxJson);
  const inv = readSbom(file);
  assert.equal(inv.format, 'cyclonedx');
  assert.equal(inv.name, 'example/app:1.0');
  assert.deepEqual(inv.os, { family: 'debian', name: '12.7', versionId: '12.7' });
  assert.deepEqual(summary(inv.packages), [
    'deb libc6 2.36-9+deb12u7 dpkg src=glibc@2.36-9+deb12u7 arch=amd64 lic=GPL-2+|LGPL-2.1-only installed',
    'deb zlib1g 1:1.2.13.dfsg-1 dpkg src=zlib@1:1.2.13.dfsg-1 arch=amd64 installed',
    'npm lodash 4.17.21 node-pkg lic=MIT OR CC0-1.0 lockfile',
    // The document's own spelling of the name wins over the purl's normalised one.
    'pypi PyYAML 6.0.1 python-pkg installed',
  ]);
  assert.equal(inv.packages.find((p) => p.name === 'lodash')?.filePath, 'app/package-lock.json');
  assert.equal(
    inv.packages.find((p) => p.name === 'PyYAML')?.filePath,
    file,
    'without a file path property, the SBOM itself',
  );
  assert.deepEqual(inv.warnings, [
    `${file}: component "nio": purl pkg:swift/github.com/apple/swift-nio@2.62.0 is not one customs can match; skipped`,
  ]);
});

test('CycloneDX JSON without an OS component: the OS comes from an OS package purl distro', () => {
  const inv = readSbom(
    write('no-os.cdx.json', {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      version: 1,
      components: [
        {
          type: 'library',
          name: 'musl',
          version: '1.2.5-r0',
          purl: 'pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=3.20.3',
        },
      ],
    }),
  );
  assert.deepEqual(inv.os, { family: 'alpine', name: '3.20.3', versionId: '3.20.3' });
  const deb = readSbom(
    write('no-os-deb.cdx.json', {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      version: 1,
      components: [
        {
          type: 'library',
          name: 'bash',
          version: '5.2.15-2+b7',
          purl: 'pkg:deb/ubuntu/bash@5.2.15-2%2Bb7?distro=ubuntu-22.04',
        },
      ],
    }),
  );
  assert.deepEqual(deb.os, { family: 'ubuntu', name: '22.04', versionId: '22.04' });
  assert.equal(
    readSbom(
      write('npm-only.cdx.json', {
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        version: 1,
        components: [{ type: 'library', name: 'a', purl: 'pkg:npm/a@1.0.0' }],
      }),
    ).os,
    undefined,
  );
});

const cdxXml = `<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" serialNumber="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79" version="1">
  <metadata>
    <component type="container"><name>example/xml:2.0</name></component>
  </metadata>
  <components>
    <component type="operating-system" bom-ref="os"><name>alpine</name><version>3.20.3</version></component>
    <component type="library" bom-ref="musl">
      <name>musl</name>
      <version>1.2.5-r0</version>
      <licenses><license><id>MIT</id></license></licenses>
      <purl>pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&amp;distro=3.20.3</purl>
      <properties><property name="customs:package:src_name">musl</property><property name="customs:package:src_version">1.2.5-r0</property></properties>
    </component>
    <component type="application" bom-ref="bundle">
      <name>bundle</name>
      <components>
        <component type="library" bom-ref="ring">
          <name>ring</name>
          <version>0.17.8</version>
          <licenses><expression>MIT AND ISC AND OpenSSL</expression></licenses>
          <purl>pkg:cargo/ring@0.17.8</purl>
        </component>
      </components>
    </component>
    <component type="library" bom-ref="zlib"><name>zlib</name><version>1.3</version><purl>pkg:conan/zlib@1.3</purl></component>
  </components>
</bom>
`;

test('CycloneDX XML: the same reading as JSON, entities decoded, nested components, warnings', () => {
  const file = write('bom.cdx.xml', cdxXml);
  const inv = readSbom(file);
  assert.equal(inv.format, 'cyclonedx-xml');
  assert.equal(inv.name, 'example/xml:2.0');
  assert.deepEqual(inv.os, { family: 'alpine', name: '3.20.3', versionId: '3.20.3' });
  assert.deepEqual(summary(inv.packages), [
    'apk musl 1.2.5-r0 apk src=musl@1.2.5-r0 arch=x86_64 lic=MIT installed',
    'cargo ring 0.17.8 cargo lic=MIT AND ISC AND OpenSSL installed',
  ]);
  assert.equal(
    inv.packages.find((p) => p.name === 'musl')?.purl,
    'pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=3.20.3',
  );
  assert.deepEqual(inv.warnings, [
    `${file}: component "zlib": purl pkg:conan/zlib@1.3 is not one customs can match; skipped`,
  ]);
  assert.throws(
    () => readSbom(write('other.xml', '<?xml version="1.0"?><bom xmlns="http://example.com/bom"/>')),
    /not a CycloneDX XML BOM/,
  );
});

const spdxJson = {
  spdxVersion: 'SPDX-2.3',
  dataLicense: 'CC0-1.0',
  SPDXID: 'SPDXRef-DOCUMENT',
  name: 'example/spdx:3',
  documentNamespace: 'https://example.com/spdx/example-spdx-3-6f1c2b',
  creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: hand-written'] },
  packages: [
    {
      SPDXID: 'SPDXRef-os',
      name: 'ubuntu',
      versionInfo: '22.04',
      downloadLocation: 'NOASSERTION',
      primaryPackagePurpose: 'OPERATING_SYSTEM',
    },
    {
      SPDXID: 'SPDXRef-libssl3',
      name: 'libssl3',
      versionInfo: '3.0.2-0ubuntu1.15',
      downloadLocation: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      comment:
        'customs:src_name=openssl; customs:src_version=3.0.2-0ubuntu1.15; customs:file_path=var%2Flib%2Fdpkg%2Fstatus',
      externalRefs: [
        {
          referenceCategory: 'PACKAGE-MANAGER',
          referenceType: 'purl',
          referenceLocator: 'pkg:deb/ubuntu/libssl3@3.0.2-0ubuntu1.15?arch=amd64&distro=ubuntu-22.04',
        },
      ],
    },
    {
      SPDXID: 'SPDXRef-stdlib',
      name: 'stdlib',
      versionInfo: 'v1.22.1',
      downloadLocation: 'NOASSERTION',
      externalRefs: [
        { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:golang/stdlib@v1.22.1' },
      ],
    },
    {
      SPDXID: 'SPDXRef-log4j',
      name: 'log4j-core',
      versionInfo: '2.14.1',
      downloadLocation: 'NOASSERTION',
      licenseDeclared: 'Apache-2.0',
      externalRefs: [
        {
          referenceCategory: 'PACKAGE-MANAGER',
          referenceType: 'purl',
          referenceLocator: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
        },
      ],
    },
    { SPDXID: 'SPDXRef-readme', name: 'README', downloadLocation: 'NOASSERTION' },
    {
      SPDXID: 'SPDXRef-hex',
      name: 'jason',
      versionInfo: '1.4.1',
      downloadLocation: 'NOASSERTION',
      externalRefs: [
        { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:hex/jason@1.4.1' },
      ],
    },
  ],
};

test('SPDX JSON: the OS package, comments restoring source and path, golang stdlib and maven names, warnings', () => {
  const v = spdxValidator();
  assert.ok(v(spdxJson), errorsOf(v));
  const file = write('bom.spdx.json', spdxJson);
  const inv = readSbom(file);
  assert.equal(inv.format, 'spdx-json');
  assert.equal(inv.name, 'example/spdx:3');
  assert.deepEqual(inv.os, { family: 'ubuntu', name: '22.04', versionId: '22.04' });
  assert.deepEqual(summary(inv.packages), [
    'deb libssl3 3.0.2-0ubuntu1.15 dpkg src=openssl@3.0.2-0ubuntu1.15 arch=amd64 installed',
    'go stdlib 1.22.1 gobinary installed',
    'maven org.apache.logging.log4j:log4j-core 2.14.1 jar lic=Apache-2.0 installed',
  ]);
  assert.equal(inv.packages.find((p) => p.name === 'libssl3')?.filePath, 'var/lib/dpkg/status');
  assert.deepEqual(inv.warnings, [
    `${file}: package "jason": purl pkg:hex/jason@1.4.1 is not one customs can match; skipped`,
  ]);
});

const spdxTag = `SPDXVersion: SPDX-2.3
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: example-tv
DocumentNamespace: https://example.com/spdx/example-tv-1
Creator: Tool: hand-written
Created: 2026-01-01T00:00:00Z

##### Package: alpine

PackageName: alpine
SPDXID: SPDXRef-os
PackageVersion: 3.19.1
PackageDownloadLocation: NOASSERTION
PrimaryPackagePurpose: OPERATING-SYSTEM

##### Package: busybox

PackageName: busybox
SPDXID: SPDXRef-busybox
PackageVersion: 1.36.1-r15
PackageDownloadLocation: NOASSERTION
PackageLicenseDeclared: GPL-2.0-only
PackageComment: <text>customs:src_name=busybox;
customs:src_version=1.36.1-r15</text>
ExternalRef: PACKAGE-MANAGER purl pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=3.19.1

##### Package: requests

PackageName: requests
SPDXID: SPDXRef-requests
PackageVersion: 2.31.0
PackageDownloadLocation: NOASSERTION
PackageLicenseDeclared: NOASSERTION
ExternalRef: PACKAGE-MANAGER purl pkg:pypi/requests@2.31.0

Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-os
`;

test('SPDX tag-value: packages by PackageName, multi-line <text> comments, the OS package', () => {
  const inv = readSbom(write('bom.spdx', spdxTag));
  assert.equal(inv.format, 'spdx');
  assert.deepEqual(inv.os, { family: 'alpine', name: '3.19.1', versionId: '3.19.1' });
  assert.deepEqual(summary(inv.packages), [
    'apk busybox 1.36.1-r15 apk src=busybox@1.36.1-r15 arch=x86_64 lic=GPL-2.0-only installed',
    'pypi requests 2.31.0 python-pkg installed',
  ]);
  assert.deepEqual(inv.warnings, []);
});

test('limits: a document over maxBytes or with more than maxComponents is refused, in every encoding', () => {
  const big = write('big.cdx.json', cdxJson);
  assert.throws(
    () => readSbom(big, { maxBytes: 100, maxComponents: 1000 }),
    (e: unknown) =>
      e instanceof LimitError &&
      /exceeds max SBOM size \(100\)/.test(e.message) &&
      e.message.includes('--max-sbom-size'),
  );
  const tooMany = /exceeds max SBOM components \(2\).*--max-sbom-components/;
  const limits = { maxBytes: 1 << 20, maxComponents: 2 };
  // 5 purls: refused before the document is parsed.
  assert.throws(
    () => readSbom(big, limits),
    (e: unknown) => e instanceof LimitError && tooMany.test(e.message),
  );
  // Nested components without purls are counted while walking.
  const nested = write('nested.cdx.json', {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    components: [
      {
        type: 'application',
        name: 'a',
        components: [{ type: 'application', name: 'b', components: [{ type: 'application', name: 'c' }] }],
      },
    ],
  });
  assert.throws(() => readSbom(nested, limits), tooMany);
  assert.equal(readSbom(nested, { maxBytes: 1 << 20, maxComponents: 3 }).packages.length, 0);
  assert.throws(() => readSbom(write('many.cdx.xml', cdxXml), limits), tooMany);
  assert.throws(() => readSbom(write('many.spdx.json', spdxJson), limits), tooMany);
  assert.throws(() => readSbom(write('many.spdx', spdxTag), limits), tooMany);
});

test('what is not an SBOM is refused with a message naming the file', () => {
  assert.throws(
    () => readSbom(write('plain.txt', 'hello\n')),
    (e: unknown) => e instanceof UserError && /plain\.txt: not an SBOM customs reads/.test(e.message),
  );
  assert.throws(() => readSbom(write('broken.json', '{"bomFormat": ')), /broken\.json: not valid JSON/);
  assert.throws(
    () => readSbom(write('other.json', '{"name": "x"}')),
    /other\.json: neither CycloneDX \(bomFormat\), SPDX \(spdxVersion\) nor Syft JSON \(artifacts\)/,
  );
  assert.throws(() => readSbom(write('nopkgs.spdx.json', '{"spdxVersion": "SPDX-2.3"}')), /\/packages must be a list/);
  assert.throws(() => readSbom(join(dir, 'missing.json')), /missing\.json: cannot read/);
});
