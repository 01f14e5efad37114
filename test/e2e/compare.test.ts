/**
 * Acceptance (compare): debian-bullseye against debian-bookworm lists the
 * package and vulnerability differences, and the counts add up; an SBOM can
 * stand for an image; --exit-code fires when NEW introduces findings.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { ensureDb } from '../support/db.js';
import { ensureImages, imageForms } from '../support/images.js';

const images = ensureImages(['debian-bullseye', 'debian-bookworm']);
const db = ensureDb();
const work = mkdtempSync(join(tmpdir(), 'customs-compare-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface C {
  Old: { packages: number; vulnerabilities: number };
  New: { packages: number; vulnerabilities: number };
  Packages: {
    Added: { name: string }[];
    Removed: { name: string }[];
    Changed: { name: string; from: string; to: string }[];
    Unchanged: number;
  };
  Vulnerabilities: { Introduced: { Severity: string }[]; Fixed: { Severity: string }[]; Persisting: number };
  BySeverity: Record<string, { introduced: number; fixed: number }>;
}

describe('compare', { concurrency: 1 }, () => {
  if ('skip' in images) {
    test('images', (t) => t.skip(images.skip));
    return;
  }
  if ('skip' in db) {
    test('db', (t) => t.skip(db.skip));
    return;
  }
  const common = ['--cache-dir', db.cacheDir, '--skip-db-update', '--quiet'];
  const [oldI, newI] = [
    imageForms(images.cache, 'debian-bullseye').oci,
    imageForms(images.cache, 'debian-bookworm').oci,
  ];
  test('bullseye → bookworm: differences listed and the counts add up', async () => {
    const r = await runCli(['compare', oldI, newI, '-f', 'json', ...common]);
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout) as C;
    const p = c.Packages,
      v = c.Vulnerabilities;
    assert.ok(p.Added.length > 0 && p.Removed.length > 0 && p.Changed.length > 0);
    assert.equal(c.Old.packages, p.Removed.length + p.Changed.length + p.Unchanged);
    assert.equal(c.New.packages, p.Added.length + p.Changed.length + p.Unchanged);
    assert.equal(c.New.vulnerabilities, v.Introduced.length + v.Persisting);
    assert.equal(c.Old.vulnerabilities, v.Fixed.length + v.Persisting);
    for (const [sev, n] of Object.entries(c.BySeverity)) {
      assert.equal(n.introduced, v.Introduced.filter((x) => x.Severity === sev).length);
      assert.equal(n.fixed, v.Fixed.filter((x) => x.Severity === sev).length);
    }
    assert.ok(p.Changed.every((x) => x.from !== x.to));
    const base = JSON.parse(
      (await runCli(['image', '--input', newI, '-f', 'json', '--list-all-pkgs', ...common])).stdout,
    ) as { Results: { Class: string; Packages?: unknown[] }[] };
    assert.equal(
      c.New.packages,
      base.Results.filter((x) => x.Class === 'os-pkgs').flatMap((x) => x.Packages ?? []).length,
    );
  });
  test('an SBOM stands for the old image; --exit-code fires on introduced findings', async () => {
    const sbom = join(work, 'old.cdx.json');
    assert.equal((await runCli(['image', '--input', oldI, '-f', 'cyclonedx', '-o', sbom, ...common])).code, 0);
    const r = await runCli(['compare', sbom, newI, '-f', 'json', '--exit-code', '4', ...common]);
    const c = JSON.parse(r.stdout) as C;
    assert.equal(r.code, c.Vulnerabilities.Introduced.length ? 4 : 0, r.stderr);
    const same = await runCli(['compare', newI, newI, '-f', 'json', '--exit-code', '4', ...common]);
    assert.equal(same.code, 0);
    assert.equal((JSON.parse(same.stdout) as C).Vulnerabilities.Introduced.length, 0);
  });
});
