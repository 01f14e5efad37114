/**
 * Licences: SPDX normalisation of what package metadata writes, the
 * classification table (Google's licenseclassifier categories), and the
 * licence results a scan adds for every package.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyLicense, SEVERITY_OF } from '../../src/license/classify.js';
import { isSpdxExpression, isSpdxId, normaliseLicense } from '../../src/license/spdx.js';
import { licenseResults } from '../../src/scanner/licenses.js';
import { pkg, report } from '../support/model.js';

test('SPDX ids and expressions are told from free text', () => {
  assert.equal(isSpdxId('MIT'), true);
  assert.equal(isSpdxId('GPL-2.0'), true, 'deprecated ids are still ids');
  assert.equal(isSpdxId('mit'), false);
  assert.equal(isSpdxId('Apache 2.0'), false);
  assert.equal(isSpdxExpression('MIT AND (Apache-2.0 OR BSD-3-Clause)'), true);
  assert.equal(isSpdxExpression('GPL-2.0-or-later WITH Classpath-exception-2.0'), true);
  assert.equal(isSpdxExpression('MIT AND'), false);
  assert.equal(isSpdxExpression('MIT OR '.repeat(150) + 'MIT'), false, 'over 1000 characters is refused unparsed');
});

test('normalisation: metadata spellings to SPDX, "or later" and every operand kept, no guess at free text', () => {
  const cases: [string, string | undefined][] = [
    ['MIT', 'MIT'],
    ['  Apache-2.0 ', 'Apache-2.0'],
    ['Apache 2.0', 'Apache-2.0'],
    ['MIT/X11', 'MIT'],
    ['GPLv2', 'GPL-2.0-only'],
    ['GPL-2+', 'GPL-2.0-or-later'],
    ['GPLv2+', 'GPL-2.0-or-later'],
    ['LGPL-2+', 'LGPL-2.0-or-later'],
    ['GPL-3+', 'GPL-3.0-or-later'],
    ['GPL-2.0+', 'GPL-2.0+'],
    ['GPL-2+ AND LGPL-2.1', 'GPL-2.0-or-later AND LGPL-2.1'],
    ['MIT OR Apache 2.0', 'MIT OR Apache-2.0'],
    ['(GPLv2+ OR MIT) AND BSD-3-Clause', '(GPL-2.0-or-later OR MIT) AND BSD-3-Clause'],
    ['GPL-2.0 WITH Classpath-exception-2.0', 'GPL-2.0 WITH Classpath-exception-2.0'],
    ['Some Proprietary Terms AND MIT', undefined],
    ['public domain', undefined],
    ['', undefined],
    ['x'.repeat(1001), undefined],
  ];
  assert.deepEqual(
    cases.map(([raw]) => [raw, normaliseLicense(raw)]),
    cases,
  );
});

test('classification: the strictest id of an expression decides; unknown text is unknown', () => {
  const cases: [string, string, string][] = [
    ['MIT', 'MIT', 'notice'],
    ['Apache 2.0', 'Apache-2.0', 'notice'],
    ['GPL-2+', 'GPL-2.0-or-later', 'restricted'],
    ['LGPL-2.1+', 'LGPL-2.1+', 'restricted'],
    ['AGPL-3.0-only', 'AGPL-3.0-only', 'forbidden'],
    ['MPL-2.0', 'MPL-2.0', 'reciprocal'],
    ['CC0-1.0', 'CC0-1.0', 'unencumbered'],
    ['MIT OR GPL-3.0-only', 'MIT OR GPL-3.0-only', 'restricted'],
    ['Apache-2.0 AND MPL-2.0', 'Apache-2.0 AND MPL-2.0', 'reciprocal'],
    ['GPL-2.0-only WITH Classpath-exception-2.0', 'GPL-2.0-only WITH Classpath-exception-2.0', 'restricted'],
    ['MIT AND Some Proprietary Terms', 'MIT AND Some Proprietary Terms', 'unknown'],
    ['Acme Commercial Licence', 'Acme Commercial Licence', 'unknown'],
  ];
  assert.deepEqual(
    cases.map(([raw]) => {
      const c = classifyLicense(raw);
      return [raw, c.name, c.category];
    }),
    cases,
  );
});

test('--license-forbidden adds ids to the forbidden set', () => {
  assert.deepEqual(classifyLicense('MIT', new Set(['mit'])), { name: 'MIT', category: 'forbidden' });
  assert.deepEqual(classifyLicense('Apache-2.0 OR MIT', new Set(['mit'])), {
    name: 'Apache-2.0 OR MIT',
    category: 'forbidden',
  });
  assert.deepEqual(classifyLicense('Apache-2.0', new Set(['mit'])), { name: 'Apache-2.0', category: 'notice' });
});

test('severities follow the category as Trivy maps them', () => {
  assert.deepEqual(SEVERITY_OF, {
    forbidden: 'CRITICAL',
    restricted: 'HIGH',
    reciprocal: 'MEDIUM',
    notice: 'LOW',
    permissive: 'LOW',
    unencumbered: 'LOW',
    unknown: 'UNKNOWN',
  });
});

test('licenseResults: one licence result per package result, every licence of every package, none dropped', () => {
  const r = report([
    {
      target: 'app:1 (debian 12.7)',
      class: 'os-pkgs',
      type: 'debian',
      packages: [
        pkg({
          name: 'libc6',
          version: '2.36-9',
          purl: 'pkg:deb/debian/libc6@2.36-9',
          ecosystem: 'deb',
          type: 'debian',
          filePath: 'var/lib/dpkg/status',
          licenses: ['GPL-2+', 'LGPL-2.1'],
        }),
        pkg({
          name: 'base-files',
          version: '12.4',
          purl: 'pkg:deb/debian/base-files@12.4',
          ecosystem: 'deb',
          type: 'debian',
          filePath: 'var/lib/dpkg/status',
        }),
      ],
    },
    {
      target: 'app/package-lock.json',
      class: 'lang-pkgs',
      type: 'npm',
      packages: [
        pkg({
          name: 'left-pad',
          version: '1.3.0',
          purl: 'pkg:npm/left-pad@1.3.0',
          ecosystem: 'npm',
          licenses: ['WTFPL'],
        }),
        pkg({
          name: 'lodash',
          version: '4.17.21',
          purl: 'pkg:npm/lodash@4.17.21',
          ecosystem: 'npm',
          licenses: ['MIT'],
        }),
      ],
    },
    { target: 'app/empty.lock', class: 'lang-pkgs', type: 'npm', packages: [] },
    { target: '/app/.env', class: 'secret', type: 'secret', secrets: [] },
  ]);
  const out = licenseResults(r, new Set(['mit']));
  assert.deepEqual(out, [
    {
      target: 'app:1 (debian 12.7)',
      class: 'license',
      type: 'debian',
      licenses: [
        {
          pkgName: 'libc6',
          filePath: 'var/lib/dpkg/status',
          name: 'GPL-2.0-or-later',
          category: 'restricted',
          severity: 'HIGH',
        },
        {
          pkgName: 'libc6',
          filePath: 'var/lib/dpkg/status',
          name: 'LGPL-2.1',
          category: 'restricted',
          severity: 'HIGH',
        },
        {
          pkgName: 'base-files',
          filePath: 'var/lib/dpkg/status',
          name: 'UNKNOWN',
          category: 'unknown',
          severity: 'UNKNOWN',
        },
      ],
    },
    {
      target: 'app/package-lock.json',
      class: 'license',
      type: 'npm',
      licenses: [
        {
          pkgName: 'left-pad',
          filePath: 'app/package-lock.json',
          name: 'WTFPL',
          category: 'forbidden',
          severity: 'CRITICAL',
        },
        {
          pkgName: 'lodash',
          filePath: 'app/package-lock.json',
          name: 'MIT',
          category: 'forbidden',
          severity: 'CRITICAL',
        },
      ],
    },
  ]);
});
