/**
 * Licences the package metadata states, read from files the real tools made
 * (fixtures/os/SOURCE.md, fixtures/lang/SOURCE.md): a free-form Debian
 * copyright file, a DEP-5 one, a doc directory symlinked to another
 * package's, a package-lock v3 with licence fields, a jar's embedded pom.xml
 * and its manifest's Bundle-License.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { bundleLicenses, pomLicenses } from '../../src/analyzer/lang/java/license.js';
import { jarAnalyzer } from '../../src/analyzer/lang/java/jar.js';
import { openZip } from '../../src/analyzer/lang/java/zip.js';
import { npmLockAnalyzer } from '../../src/analyzer/lang/npm/package-lock.js';
import { dpkgCopyrightAnalyzer } from '../../src/analyzer/os/dpkg-copyright.js';
import type { Analyzer } from '../../src/analyzer/types.js';
import type { AnalyzerOutput } from '../../src/model/facts.js';
import { buildArtifact } from '../../src/artifact/artifact.js';
import { type OsSupport } from '../../src/model/artifact.js';
import { mergeLayers } from '../../src/artifact/merge.js';
import type { Package } from '../../src/model/package.js';
import type { LayerFacts } from '../../src/model/facts.js';
import type { Image } from '../../src/source/image.js';
import { makeZip } from '../hostile/corpus/zip-writer.js';
import { fixture } from '../support/paths.js';

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

test("dpkg copyright, not DEP-5: libcrypt1's prose is classified", async () => {
  const { out } = await run(
    dpkgCopyrightAnalyzer,
    'usr/share/doc/libcrypt1/copyright',
    readFileSync(fixture('os', 'copyright', 'libcrypt1')),
  );
  const lic = (out?.extra?.['dpkgLicenses'] as Record<string, string[]>)['libcrypt1']!;
  assert.equal(lic[0], 'LGPL-2.1-or-later');
  assert.ok(lic.includes('BSD-3-Clause') && lic.includes('0BSD'), lic.join(','));
});

test('dpkg copyright, DEP-5: the License: short names, as before', async () => {
  const { out } = await run(
    dpkgCopyrightAnalyzer,
    'usr/share/doc/libjackson2-annotations-java/copyright',
    readFileSync(fixture('os', 'copyright', 'libjackson2-annotations-java')),
  );
  assert.deepEqual(out?.extra?.['dpkgLicenses'], { 'libjackson2-annotations-java': ['Apache-2.0'] });
});

test("a Debian doc directory symlinked to another package's gives that package's licences (libgcc-s1 -> gcc-12-base)", async () => {
  const copyright = await run(
    dpkgCopyrightAnalyzer,
    'usr/share/doc/gcc-12-base/copyright',
    Buffer.from('The GNU General Public License, version 3 or later, applies.\n'),
  );
  const status: AnalyzerOutput = {
    packageSets: [
      {
        type: 'dpkg',
        filePath: 'var/lib/dpkg/status',
        packages: ['libgcc-s1', 'gcc-12-base', 'orphan'].map((name) => ({
          name,
          version: '12.2.0-14',
          purl: '',
          ecosystem: 'deb',
          type: 'dpkg',
          filePath: 'var/lib/dpkg/status',
          origin: 'installed',
        })),
      },
    ],
  };
  const layer: LayerFacts = {
    structure: {
      whiteouts: [],
      opaqueDirs: [],
      symlinks: { 'usr/share/doc/libgcc-s1': 'gcc-12-base' },
      setidFiles: [],
      entries: 0,
      warnings: [],
    },
    analyzers: [
      { analyzer: 'dpkg-copyright', files: [{ path: 'usr/share/doc/gcc-12-base/copyright', output: copyright.out! }] },
      { analyzer: 'dpkg', files: [{ path: 'var/lib/dpkg/status', output: status }] },
    ],
  };
  const image = { layers: [{ digest: 'sha256:a', diffId: 'sha256:b', createdBy: 'debootstrap' }] } as unknown as Image;
  const os: OsSupport = { resolveOS: () => undefined, osPackagePurl: () => '', eolInfo: () => ({ eosl: false }) };
  const art = buildArtifact(image, mergeLayers([layer]), os, { includeDevDeps: false });
  const lic = Object.fromEntries(art.packages.map((p) => [p.name, p.licenses]));
  assert.deepEqual(lic, { 'libgcc-s1': ['GPL-3.0-or-later'], 'gcc-12-base': ['GPL-3.0-or-later'], orphan: undefined });
});

test("a jar an OS package installed, stating no licence itself, has that package's (Debian's commons-text: parent pom not in the archive)", async () => {
  const copyright = await run(
    dpkgCopyrightAnalyzer,
    'usr/share/doc/libjackson2-annotations-java/copyright',
    readFileSync(fixture('os', 'copyright', 'libjackson2-annotations-java')),
  );
  const deb = (name: string): Package => ({
    name,
    version: '1',
    purl: '',
    ecosystem: 'deb',
    type: 'dpkg',
    filePath: 'var/lib/dpkg/status',
    origin: 'installed',
  });
  const jar = (name: string, filePath: string, licenses?: string[]): Package => ({
    name,
    version: '1',
    purl: '',
    ecosystem: 'maven',
    type: 'jar',
    filePath,
    origin: 'installed',
    ...(licenses ? { licenses } : {}),
  });
  const layer: LayerFacts = {
    structure: { whiteouts: [], opaqueDirs: [], symlinks: {}, setidFiles: [], entries: 0, warnings: [] },
    analyzers: [
      {
        analyzer: 'dpkg-copyright',
        files: [{ path: 'usr/share/doc/libjackson2-annotations-java/copyright', output: copyright.out! }],
      },
      {
        analyzer: 'dpkg',
        files: [
          {
            path: 'var/lib/dpkg/status',
            output: {
              packageSets: [
                { type: 'dpkg', filePath: 'var/lib/dpkg/status', packages: [deb('libjackson2-annotations-java')] },
              ],
            },
          },
        ],
      },
      {
        analyzer: 'dpkg-files',
        files: [
          {
            path: 'var/lib/dpkg/info/libjackson2-annotations-java.list',
            output: { ownedFiles: { 'libjackson2-annotations-java': 'usr/share/java/a.jar\nusr/share/java/b.jar' } },
          },
        ],
      },
      {
        analyzer: 'java-archive',
        files: [
          {
            path: 'usr/share/java/a.jar',
            output: {
              packageSets: [
                { type: 'jar', filePath: 'usr/share/java/a.jar', packages: [jar('g:a', 'usr/share/java/a.jar')] },
              ],
            },
          },
          {
            path: 'usr/share/java/b.jar',
            output: {
              packageSets: [
                {
                  type: 'jar',
                  filePath: 'usr/share/java/b.jar',
                  packages: [jar('g:b', 'usr/share/java/b.jar', ['MIT'])],
                },
              ],
            },
          },
          {
            path: 'srv/app/c.jar',
            output: {
              packageSets: [{ type: 'jar', filePath: 'srv/app/c.jar', packages: [jar('g:c', 'srv/app/c.jar')] }],
            },
          },
        ],
      },
    ],
  };
  const image = {
    layers: [{ digest: 'sha256:a', diffId: 'sha256:b', createdBy: 'apt-get install' }],
  } as unknown as Image;
  const os: OsSupport = { resolveOS: () => undefined, osPackagePurl: () => '', eolInfo: () => ({ eosl: false }) };
  const art = buildArtifact(image, mergeLayers([layer]), os, { includeDevDeps: false });
  const lic = Object.fromEntries(art.packages.map((p) => [p.name, p.licenses]));
  // its own statement wins; a jar no OS package owns stays without (UNKNOWN in the report)
  assert.deepEqual(lic, {
    'libjackson2-annotations-java': ['Apache-2.0'],
    'g:a': ['Apache-2.0'],
    'g:b': ['MIT'],
    'g:c': undefined,
  });
});

test("package-lock v3: each entry's license field (npm 11 lockfile)", async () => {
  const { pkgs: got } = await run(
    npmLockAnalyzer,
    'app/package-lock.json',
    readFileSync(fixture('lang', 'npm', 'package-lock-v3-licences.json')),
  ).then((r) => ({ pkgs: pkgs(r.out) }));
  assert.deepEqual(Object.fromEntries(got.map((p) => [`${p.name}@${p.version}`, p.licenses])), {
    'inherits@2.0.4': ['ISC'],
    'json-schema@0.4.0': ['(AFL-2.1 OR BSD-3-Clause)'],
    'ms@2.1.3': ['MIT'],
  });
});

test("jar: the embedded pom.xml's <licenses> (Debian's jackson-annotations 2.14.0)", async () => {
  const { out, warnings } = await run(
    jarAnalyzer,
    'usr/share/java/jackson-annotations-2.14.0.jar',
    readFileSync(fixture('lang', 'java', 'jackson-annotations-2.14.0.jar')),
  );
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    pkgs(out).map((p) => [p.name, p.licenses]),
    [['com.fasterxml.jackson.core:jackson-annotations', ['Apache-2.0']]],
  );
});

test("jar without a pom.xml: the manifest's Bundle-License", async () => {
  const real = await openZip(readFileSync(fixture('lang', 'java', 'jackson-annotations-2.14.0.jar')));
  const keep = real.entries.filter((e) => e.name === 'META-INF/MANIFEST.MF' || e.name.endsWith('pom.properties'));
  const entries = await Promise.all(keep.map(async (e) => ({ name: e.name, data: await e.read() })));
  real.close();
  const { out } = await run(jarAnalyzer, 'srv/lib/jackson-annotations.jar', makeZip(entries));
  assert.deepEqual(
    pkgs(out).map((p) => p.licenses),
    [['Apache-2.0']],
  );
});

test('pom <licenses> and OSGi Bundle-License forms', () => {
  const pom = `<project><!-- <licenses><license><name>GPL</name></license></licenses> -->
    <licenses>
      <license><name><![CDATA[Eclipse Public License - v 2.0]]></name><url>https://www.eclipse.org/legal/epl-2.0/</url></license>
      <license><name>GNU General Public License, version 2 with the GNU Classpath Exception</name></license>
      <license><url>https://opensource.org/licenses/MIT</url></license>
    </licenses><dependencies><dependency><licenses>ignored</licenses></dependency></dependencies></project>`;
  assert.deepEqual(pomLicenses(pom), ['EPL-2.0', 'GPL-2.0-only', 'MIT']);
  assert.deepEqual(pomLicenses('<project><name>no licences</name></project>'), []);
  assert.deepEqual(bundleLicenses('Apache-2.0;link="https://www.apache.org/licenses/LICENSE-2.0.txt", EPL-1.0'), [
    'Apache-2.0',
    'EPL-1.0',
  ]);
  assert.deepEqual(bundleLicenses('<<EXTERNAL>>'), []);
  assert.deepEqual(bundleLicenses('http://www.eclipse.org/legal/epl-v10.html'), ['EPL-1.0']);
});
