/**
 * Acceptance (issue 16, licences): on every shared image, every package
 * carries its licences or an explicit UNKNOWN in its own `Licenses`, in JSON
 * (`--list-all-pkgs`), CycloneDX (components' `licenses`) and SPDX
 * (`licenseConcluded`/`licenseDeclared`, NOASSERTION for unknown), and the
 * documents still validate. The licences the metadata states are found: a
 * doc directory symlinked to another package's, a free-form copyright file,
 * a jar's embedded pom.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { cycloneDxValidator, spdxValidator } from '../../src/report/validate.js';
import { runCli } from '../support/cli.js';
import { ALL_IMAGES, ensureImages, imageForms } from '../support/images.js';

const images = ensureImages(ALL_IMAGES);
interface Pkg {
  Name: string;
  FilePath?: string;
  Licenses?: string[];
}
interface Json {
  Results: { Type: string; Packages?: Pkg[] }[];
}

async function scan(input: string, format: string): Promise<string> {
  const r = await runCli(['image', '--input', input, '--scanners', 'none', '-f', format, '--list-all-pkgs', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

describe('every package has a licence or an explicit UNKNOWN', { concurrency: 1 }, () => {
  if ('skip' in images) {
    test('images', (t) => t.skip(images.skip));
    return;
  }
  for (const name of ALL_IMAGES) {
    test(`${name}: JSON Packages[].Licenses`, async () => {
      const forms = imageForms(images.cache, name);
      // a multi-platform index has no docker-archive form
      const rep = JSON.parse(
        await scan(existsSync(forms.dockerArchive) ? forms.dockerArchive : forms.oci, 'json'),
      ) as Json;
      const pkgs = rep.Results.flatMap((r) => r.Packages ?? []);
      assert.ok(pkgs.length > 0, 'the image has packages');
      const bare = pkgs.filter((p) => !p.Licenses?.length || p.Licenses.some((l) => !l.trim()));
      assert.deepEqual(
        bare.map((p) => `${p.Name} ${p.FilePath ?? ''}`),
        [],
      );
      const lic = (n: string) => pkgs.find((p) => p.Name === n)?.Licenses;
      if (name.startsWith('debian-')) {
        // libcrypt1's copyright file is prose; libgcc-s1's doc directory is a symlink to gcc-N-base
        assert.equal(lic('libcrypt1')?.[0], 'LGPL-2.1-or-later');
        assert.ok(lic('libgcc-s1')?.includes('GPL-3.0-or-later'), String(lic('libgcc-s1')));
      }
      if (name === 'polyglot') {
        assert.deepEqual(lic('com.fasterxml.jackson.core:jackson-databind'), ['Apache-2.0']);
        const unknown = pkgs.filter((p) => p.Licenses?.[0] === 'UNKNOWN');
        // what states no licence at all: requirements.txt, Gemfile.lock, the Go binary's modules, the fixture's own jar
        assert.ok(unknown.length < 30, `${unknown.length} UNKNOWN`);
      }
    });
  }

  test('polyglot: CycloneDX components and SPDX packages carry them too, and validate', async () => {
    const input = imageForms(images.cache, 'polyglot').dockerArchive;
    const cdx = JSON.parse(await scan(input, 'cyclonedx')) as {
      components: { type: string; name: string; licenses?: unknown[] }[];
    };
    const validCdx = cycloneDxValidator();
    assert.ok(validCdx(cdx), JSON.stringify(validCdx.errors?.slice(0, 3)));
    const libs = cdx.components.filter((c) => c.type === 'library');
    assert.deepEqual(
      libs.filter((c) => !c.licenses?.length).map((c) => c.name),
      [],
    );

    const spdx = JSON.parse(await scan(input, 'spdx-json')) as {
      packages: { name: string; primaryPackagePurpose?: string; licenseConcluded?: string; licenseDeclared?: string }[];
      hasExtractedLicensingInfos?: { licenseId: string }[];
    };
    const validSpdx = spdxValidator();
    assert.ok(validSpdx(spdx), JSON.stringify(validSpdx.errors?.slice(0, 3)));
    const pkgs = spdx.packages.filter((p) => p.primaryPackagePurpose === 'LIBRARY');
    assert.equal(pkgs.length, libs.length);
    assert.deepEqual(
      pkgs.filter((p) => !p.licenseConcluded || !p.licenseDeclared).map((p) => p.name),
      [],
    );
    assert.ok(
      pkgs.some((p) => p.licenseConcluded === 'NOASSERTION'),
      'unknown is NOASSERTION in SPDX',
    );
    assert.ok(!pkgs.some((p) => /UNKNOWN/.test(p.licenseConcluded!)), 'UNKNOWN is not an SPDX licence');
    // every LicenseRef used is declared, as SPDX 2.3 requires
    const declared = new Set((spdx.hasExtractedLicensingInfos ?? []).map((e) => e.licenseId));
    const used = new Set(pkgs.flatMap((p) => p.licenseConcluded!.match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []));
    assert.deepEqual(
      [...used].filter((r) => !declared.has(r)),
      [],
    );
  });
});
