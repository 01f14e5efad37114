/**
 * Acceptance (issue 17 item 6): the SBOMs Trivy 0.44.1 writes of a shared
 * image (`--format spdx-json` and `cyclonedx`) give the same findings as
 * `customs image --input` of that image, from a file and from stdin.
 *
 * The SBOMs are made afresh when Trivy is installed (CUSTOMS_TRIVY, or where
 * `bench/trivy.sh` puts it); otherwise the committed ones in
 * test/fixtures/sbom/trivy are used, which hold only for the build of the
 * image they were made from (its image id is checked).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { runCli } from '../support/cli.js';
import { ensureDb } from '../support/db.js';
import { ensureImages, imageForms } from '../support/images.js';
import { fixture } from '../support/paths.js';

const IMAGES = ['distroless', 'debian-bookworm', 'alpine-amd64', 'node-app'] as const;
const FORMATS = { 'spdx-json': 'spdx.json', cyclonedx: 'cdx.json' } as const;
const images = ensureImages(IMAGES);
const db = ensureDb();
const work = mkdtempSync(join(tmpdir(), 'customs-sbom-foreign-'));
after(() => rmSync(work, { recursive: true, force: true }));

const trivy = [process.env['CUSTOMS_TRIVY'], join(process.env['TMPDIR'] ?? tmpdir(), 'customs-bench-trivy', 'trivy')]
  .filter((p): p is string => !!p)
  .find((p) => existsSync(p));

interface Finding {
  VulnerabilityID: string;
  PkgName: string;
  InstalledVersion: string;
}
interface JsonReport {
  Metadata?: { ImageID?: string };
  Results?: { Packages?: { Name: string }[]; Vulnerabilities?: Finding[] }[];
}

/** Vulnerability IDs per package name and version, one line each, sorted. */
function findings(rep: JsonReport, keep: (f: Finding) => boolean = () => true): string[] {
  const all = (rep.Results ?? []).flatMap((r) => r.Vulnerabilities ?? []).filter(keep);
  return [...new Set(all.map((v) => `${v.VulnerabilityID} ${v.PkgName} ${v.InstalledVersion}`))].sort();
}

/** The image id Trivy recorded: SPDX's container package attribution, CycloneDX's metadata property. */
function trivyImageId(doc: string): string | undefined {
  return /"(?:ImageID: |aquasecurity:trivy:ImageID",\s*"value": ")(sha256:[0-9a-f]{64})"/.exec(doc)?.[1];
}

/** Trivy's SBOM of the image: made now when Trivy is installed, else the committed one if it is of this build. */
function trivySbom(
  archive: string,
  image: string,
  format: keyof typeof FORMATS,
  imageId: string,
): { file: string } | { skip: string } {
  const file = join(work, `${image}.${FORMATS[format]}`);
  if (trivy) {
    execFileSync(
      trivy,
      ['image', '--input', archive, '--format', format, '-o', file, '--quiet']
        .concat(['--skip-db-update', '--skip-java-db-update', '--skip-policy-update', '--offline-scan'])
        .concat(['--cache-dir', join(work, 'trivy-cache')]),
      { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 },
    );
    return { file };
  }
  const committed = fixture('sbom', 'trivy', `${image}.${FORMATS[format]}`);
  const text = existsSync(committed)
    ? readFileSync(committed, 'utf8')
    : gunzipSync(readFileSync(`${committed}.gz`)).toString('utf8');
  const madeOf = trivyImageId(text);
  if (madeOf !== imageId)
    return {
      skip: `skipped: Trivy 0.44.1 is not installed (bash bench/trivy.sh installs it) and the committed SBOM is of another build of ${image} (${madeOf} vs ${imageId})`,
    };
  writeFileSync(file, text);
  return { file };
}

describe("Trivy's SBOMs of a shared image give the image's findings", { concurrency: 1 }, () => {
  if ('skip' in images) {
    test('images', (t) => t.skip(images.skip));
    return;
  }
  if ('skip' in db) {
    test('db', (t) => t.skip(db.skip));
    return;
  }
  const common = ['--cache-dir', db.cacheDir, '--skip-db-update', '-f', 'json'];
  for (const image of IMAGES) {
    test(`${image}: trivy spdx-json and cyclonedx, from a file and from stdin`, async (t) => {
      const archive = imageForms(images.cache, image).dockerArchive;
      const direct = await runCli(['image', '--input', archive, ...common, '-q']);
      assert.equal(direct.code, 0, direct.stderr);
      const imageReport = JSON.parse(direct.stdout) as JsonReport;
      const all = findings(imageReport);
      assert.ok(all.length > 0, `${image}: the image has findings to compare`);
      // The one principled difference: Trivy 0.44.1 does not list a Go binary's standard library as a
      // package (it began to in 0.50), so the image's `stdlib` findings cannot come from its SBOM.
      const expected = findings(imageReport, (f) => f.PkgName !== 'stdlib');
      if (image === 'distroless') assert.ok(expected.length < all.length, 'distroless has stdlib findings');
      for (const format of ['spdx-json', 'cyclonedx'] as const) {
        const sbom = trivySbom(archive, image, format, imageReport.Metadata?.ImageID ?? '');
        if ('skip' in sbom) {
          t.skip(sbom.skip);
          return;
        }
        const fromFile = await runCli(['sbom', sbom.file, ...common]);
        assert.equal(fromFile.code, 0, fromFile.stderr);
        assert.doesNotMatch(fromFile.stderr, /no source package/, `${image} ${format}: every source was read`);
        const report = JSON.parse(fromFile.stdout) as JsonReport;
        assert.ok(
          !(report.Results ?? []).some((r) => r.Packages?.some((p) => p.Name === 'stdlib')),
          `${image} ${format}: Trivy 0.44.1 wrote no stdlib package`,
        );
        assert.deepEqual(findings(report), expected, `${image} via Trivy ${format}`);
        const input = readFileSync(sbom.file, 'utf8');
        for (const target of [
          ['sbom', '-'],
          ['image', 'sbom:-'],
        ]) {
          const piped = await runCli([...target, ...common, '-q'], { input });
          assert.equal(piped.code, 0, piped.stderr);
          assert.deepEqual(findings(JSON.parse(piped.stdout) as JsonReport), expected, `${target.join(' ')} ${format}`);
        }
      }
    });
  }
});
