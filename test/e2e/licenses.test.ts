/**
 * Acceptance (licences): on node-app and polyglot every package has a
 * licence finding — its licence classified, or an explicit UNKNOWN — and the
 * classification table names its source; --license-forbidden turns the
 * common "no AGPL"-style policy into CRITICAL findings.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { classifyLicense } from '../../src/license/classify.js';
import { runCli } from '../support/cli.js';
import { ensureImages, imageForms } from '../support/images.js';
import { repoRoot } from '../support/paths.js';

const images = ensureImages(['node-app', 'polyglot']);
interface L {
  PkgName: string;
  FilePath: string;
  Name: string;
  Category: string;
  Severity: string;
}

describe('licences', { concurrency: 1 }, () => {
  if ('skip' in images) {
    test('images', (t) => t.skip(images.skip));
    return;
  }
  for (const name of ['node-app', 'polyglot']) {
    test(`${name}: every package has a licence or an explicit unknown`, async () => {
      const r = await runCli([
        'image',
        '--input',
        imageForms(images.cache, name).oci,
        '--scanners',
        'license',
        '-f',
        'json',
        '--list-all-pkgs',
        '--no-cache',
        '--quiet',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const rep = JSON.parse(r.stdout) as {
        Results: { Class: string; Packages?: { Name: string; FilePath: string }[]; Licenses?: L[] }[];
      };
      const pkgs = rep.Results.filter((x) => x.Class !== 'license').flatMap((x) => x.Packages ?? []);
      const lic = rep.Results.flatMap((x) => x.Licenses ?? []);
      const covered = new Set(lic.map((l) => `${l.PkgName}\0${l.FilePath}`));
      const missing = pkgs.filter((p) => !covered.has(`${p.Name}\0${p.FilePath}`));
      assert.deepEqual(missing, []);
      assert.ok(
        lic.every(
          (l) =>
            l.Name &&
            ['forbidden', 'restricted', 'reciprocal', 'notice', 'permissive', 'unencumbered', 'unknown'].includes(
              l.Category,
            ),
        ),
      );
      const byPkg = (n: string) => lic.filter((l) => l.PkgName === n).map((l) => `${l.Name}:${l.Category}`);
      if (name === 'node-app') assert.ok(byPkg('express').includes('MIT:notice'));
      else
        assert.ok(
          byPkg('libc6').some((x) => /^LGPL-2\.1.*:restricted$/.test(x)),
          byPkg('libc6').join(','),
        );
    });
  }
  test('classification: SPDX normalisation, strictest id of an expression, the table names its source', () => {
    assert.deepEqual(classifyLicense('Apache 2.0'), { name: 'Apache-2.0', category: 'notice' });
    assert.deepEqual(classifyLicense('MIT OR GPL-3.0-only'), { name: 'MIT OR GPL-3.0-only', category: 'restricted' });
    assert.equal(classifyLicense('AGPL-3.0-only').category, 'forbidden');
    assert.equal(classifyLicense('MIT', new Set(['mit'])).category, 'forbidden');
    assert.equal(classifyLicense('Some Custom Licence v2').category, 'unknown');
    assert.match(readFileSync(join(repoRoot, 'src', 'license', 'classify.ts'), 'utf8'), /google\/licenseclassifier/);
  });
});
