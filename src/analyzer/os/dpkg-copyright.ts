/**
 * Licences of Debian packages, from `usr/share/doc/<pkg>/copyright`: the
 * `License:` short names of machine-readable (DEP-5) files; for free-form
 * files (and DEP-5 files naming none), the licences their prose states
 * (src/license/text-classifier.ts) and the `/usr/share/common-licenses/<NAME>`
 * references they make. Debian's short names are mapped to SPDX ids where
 * the mapping is exact. A doc directory that is a symlink to another
 * package's (`libgcc-s1 -> gcc-12-base`) is resolved at merge time
 * (artifact.ts), from the image's own symlinks.
 */
import { classifyLicenseText, preferOrLater } from '../../license/text-classifier.js';
import { isSpdxId } from '../../license/spdx.js';
import type { Analyzer } from '../types.js';

const COPYRIGHT = /^usr\/share\/doc\/([^/]+)\/copyright$/;

/** Debian short name → SPDX id (DEP-5 §"License short name"). */
const DEBIAN_TO_SPDX: Record<string, string> = {
  'GPL-1': 'GPL-1.0-only',
  'GPL-1+': 'GPL-1.0-or-later',
  'GPL-2': 'GPL-2.0-only',
  'GPL-2+': 'GPL-2.0-or-later',
  'GPL-3': 'GPL-3.0-only',
  'GPL-3+': 'GPL-3.0-or-later',
  'LGPL-2': 'LGPL-2.0-only',
  'LGPL-2+': 'LGPL-2.0-or-later',
  'LGPL-2.1': 'LGPL-2.1-only',
  'LGPL-2.1+': 'LGPL-2.1-or-later',
  'LGPL-3': 'LGPL-3.0-only',
  'LGPL-3+': 'LGPL-3.0-or-later',
  'AGPL-3': 'AGPL-3.0-only',
  'AGPL-3+': 'AGPL-3.0-or-later',
  'GFDL-1.2': 'GFDL-1.2-only',
  'GFDL-1.2+': 'GFDL-1.2-or-later',
  'GFDL-1.3': 'GFDL-1.3-only',
  'GFDL-1.3+': 'GFDL-1.3-or-later',
  Expat: 'MIT',
  'BSD-2-clause': 'BSD-2-Clause',
  'BSD-3-clause': 'BSD-3-Clause',
  'BSD-4-clause': 'BSD-4-Clause',
  'Apache-2.0': 'Apache-2.0',
  'Apache-2': 'Apache-2.0',
  'MPL-1.1': 'MPL-1.1',
  'MPL-2.0': 'MPL-2.0',
  Artistic: 'Artistic-1.0-Perl',
  'Artistic-2.0': 'Artistic-2.0',
  Zlib: 'Zlib',
  zlib: 'Zlib',
  ISC: 'ISC',
  'CC0-1.0': 'CC0-1.0',
  'public-domain': 'LicenseRef-public-domain',
  'PSF-2': 'PSF-2.0',
  OpenSSL: 'OpenSSL',
  'Unicode-DFS-2016': 'Unicode-DFS-2016',
  curl: 'curl',
  X11: 'X11',
  // /usr/share/common-licenses/BSD is the University of California's 3-clause text.
  BSD: 'BSD-3-Clause',
};

export function debianToSpdx(name: string): string {
  const n = name.trim();
  return DEBIAN_TO_SPDX[n] ?? DEBIAN_TO_SPDX[n.replace(/\.0(\+?)$/, '$1')] ?? n;
}

function dep5Licences(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/^License:[ \t]*([^\n]+)$/gm)) {
    for (const part of m[1]!.split(/\s+(?:or|and|\|)\s+|\s*,\s*/i)) {
      const name = part.trim().replace(/\s+with\s+.*$/i, '');
      if (name && name.length < 64 && !/\s/.test(name)) out.add(debianToSpdx(name));
    }
  }
  return [...out];
}

function freeFormLicenses(text: string): string[] {
  return [
    ...new Set(
      [
        ...text.matchAll(
          /\/usr\/share\/common-licenses\/([A-Za-z][A-Za-z0-9+-]*?(?:\.\d+)?\+?)(?![A-Za-z0-9.+-]*[A-Za-z0-9])/g,
        ),
      ].map((m) => debianToSpdx(m[1]!)),
    ),
  ];
}

export const dpkgCopyrightAnalyzer: Analyzer = {
  name: 'dpkg-copyright',
  version: 3,
  maxFileSize: 2 * 1024 * 1024,
  required: (path) => COPYRIGHT.test(path),
  analyze(file) {
    const pkg = COPYRIGHT.exec(file.path)![1]!;
    const text = file.content.toString('utf8');
    const dep5 = /^Format:/m.test(text) ? dep5Licences(text) : [];
    // Bare references (`common-licenses/GPL`) are left to the classifier, which says what they mean in SPDX.
    const referenced = freeFormLicenses(text).filter((id) => isSpdxId(id) || id.startsWith('LicenseRef-'));
    const licences = dep5.length ? dep5 : preferOrLater([...classifyLicenseText(text), ...referenced]);
    return licences.length ? { extra: { dpkgLicenses: { [pkg]: licences } } } : undefined;
  },
};
