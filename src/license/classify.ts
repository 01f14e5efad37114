/**
 * Licence classification. Categories and their members follow Google's
 * licenseclassifier (github.com/google/licenseclassifier, license_type.go:
 * forbidden, restricted, reciprocal, notice, permissive, unencumbered), the
 * table Trivy's licence scanner also uses; severities as Trivy maps them.
 * `--license-forbidden` adds ids to the forbidden set (the "no AGPL" policy).
 */
import type { Severity } from '../model/report.js';
import { normaliseLicense } from './spdx.js';

export type LicenseCategory =
  'forbidden' | 'restricted' | 'reciprocal' | 'notice' | 'permissive' | 'unencumbered' | 'unknown';

const TABLE: Record<Exclude<LicenseCategory, 'unknown'>, string[]> = {
  forbidden: [
    'AGPL-1.0',
    'AGPL-1.0-only',
    'AGPL-1.0-or-later',
    'AGPL-3.0',
    'AGPL-3.0-only',
    'AGPL-3.0-or-later',
    'CC-BY-NC-1.0',
    'CC-BY-NC-2.0',
    'CC-BY-NC-2.5',
    'CC-BY-NC-3.0',
    'CC-BY-NC-4.0',
    'CC-BY-NC-ND-4.0',
    'CC-BY-NC-SA-4.0',
    'Commons-Clause',
    'Facebook-2-Clause',
    'Facebook-3-Clause',
    'Facebook-Examples',
    'WTFPL',
    'SSPL-1.0',
  ],
  restricted: [
    'BCL',
    'CC-BY-ND-1.0',
    'CC-BY-ND-2.0',
    'CC-BY-ND-2.5',
    'CC-BY-ND-3.0',
    'CC-BY-ND-4.0',
    'CC-BY-SA-1.0',
    'CC-BY-SA-2.0',
    'CC-BY-SA-2.5',
    'CC-BY-SA-3.0',
    'CC-BY-SA-4.0',
    'GPL-1.0',
    'GPL-1.0-only',
    'GPL-1.0-or-later',
    'GPL-2.0',
    'GPL-2.0-only',
    'GPL-2.0-or-later',
    'GPL-2.0-with-classpath-exception',
    'GPL-3.0',
    'GPL-3.0-only',
    'GPL-3.0-or-later',
    'LGPL-2.0',
    'LGPL-2.0-only',
    'LGPL-2.0-or-later',
    'LGPL-2.1',
    'LGPL-2.1-only',
    'LGPL-2.1-or-later',
    'LGPL-3.0',
    'LGPL-3.0-only',
    'LGPL-3.0-or-later',
    'NPL-1.0',
    'NPL-1.1',
    'OSL-1.0',
    'OSL-1.1',
    'OSL-2.0',
    'OSL-2.1',
    'OSL-3.0',
    'QPL-1.0',
    'Sleepycat',
    'GFDL-1.2-only',
    'GFDL-1.2-or-later',
    'GFDL-1.3-only',
    'GFDL-1.3-or-later',
  ],
  reciprocal: [
    'APSL-1.0',
    'APSL-1.1',
    'APSL-1.2',
    'APSL-2.0',
    'CDDL-1.0',
    'CDDL-1.1',
    'CPL-1.0',
    'EPL-1.0',
    'EPL-2.0',
    'FreeImage',
    'IPL-1.0',
    'MPL-1.0',
    'MPL-1.1',
    'MPL-2.0',
    'Ruby',
  ],
  notice: [
    'AFL-1.1',
    'AFL-1.2',
    'AFL-2.0',
    'AFL-2.1',
    'AFL-3.0',
    'Apache-1.0',
    'Apache-1.1',
    'Apache-2.0',
    'Artistic-1.0-cl8',
    'Artistic-1.0-Perl',
    'Artistic-1.0',
    'Artistic-2.0',
    'BSL-1.0',
    'BSD-2-Clause',
    'BSD-2-Clause-FreeBSD',
    'BSD-2-Clause-NetBSD',
    'BSD-3-Clause',
    'BSD-3-Clause-Attribution',
    'BSD-3-Clause-Clear',
    'BSD-3-Clause-LBNL',
    'BSD-4-Clause',
    'BSD-4-Clause-UC',
    'BSD-Protection',
    'CC-BY-1.0',
    'CC-BY-2.0',
    'CC-BY-2.5',
    'CC-BY-3.0',
    'CC-BY-4.0',
    'FTL',
    'ISC',
    'ImageMagick',
    'Libpng',
    'Lil-1.0',
    'Linux-OpenIB',
    'LPL-1.02',
    'LPL-1.0',
    'MS-PL',
    'MIT',
    'NCSA',
    'OpenSSL',
    'PHP-3.01',
    'PHP-3.0',
    'PIL',
    'Python-2.0',
    'Python-2.0-complete',
    'PostgreSQL',
    'SGI-B-1.0',
    'SGI-B-1.1',
    'SGI-B-2.0',
    'Unicode-DFS-2015',
    'Unicode-DFS-2016',
    'Unicode-TOU',
    'UPL-1.0',
    'W3C-19980720',
    'W3C-20150513',
    'W3C',
    'X11',
    'Xnet',
    'Zend-2.0',
    'zlib-acknowledgement',
    'Zlib',
    'ZPL-1.1',
    'ZPL-2.0',
    'ZPL-2.1',
    'PSF-2.0',
    'curl',
    'MIT-0',
  ],
  permissive: [],
  unencumbered: ['CC0-1.0', 'Unlicense', '0BSD', 'LicenseRef-public-domain'],
};

const CATEGORY = new Map<string, LicenseCategory>();
for (const [cat, ids] of Object.entries(TABLE))
  for (const id of ids) CATEGORY.set(id.toLowerCase(), cat as LicenseCategory);

export const SEVERITY_OF: Record<LicenseCategory, Severity> = {
  forbidden: 'CRITICAL',
  restricted: 'HIGH',
  reciprocal: 'MEDIUM',
  notice: 'LOW',
  permissive: 'LOW',
  unencumbered: 'LOW',
  unknown: 'UNKNOWN',
};

const RANK: LicenseCategory[] = [
  'forbidden',
  'restricted',
  'reciprocal',
  'unknown',
  'notice',
  'permissive',
  'unencumbered',
];

/** One licence string: normalised to SPDX when possible, classified by its strictest id. */
export function classifyLicense(
  raw: string,
  forbidden: Set<string> = new Set(),
): { name: string; category: LicenseCategory } {
  const spdx = normaliseLicense(raw) ?? raw.trim();
  const ids = spdx
    .split(/\s+(?:AND|OR|WITH)\s+|[()]/)
    .map((s) => s.trim().replace(/\+$/, '-or-later'))
    .filter(Boolean);
  let best: LicenseCategory = 'unknown';
  let seen = false;
  for (const id of ids) {
    const cat: LicenseCategory = forbidden.has(id.toLowerCase())
      ? 'forbidden'
      : (CATEGORY.get(id.toLowerCase()) ?? 'unknown');
    if (!seen || RANK.indexOf(cat) < RANK.indexOf(best)) best = cat;
    seen = true;
  }
  return { name: spdx, category: best };
}
