/**
 * Licence names and URLs as build metadata writes them (a pom's
 * `<name>The Apache Software License, Version 2.0</name>`, a manifest's
 * `Bundle-License: https://www.apache.org/licenses/LICENSE-2.0.txt`) → SPDX,
 * when the mapping is confident; otherwise the name as written, so nothing
 * stated is lost.
 */
import { normaliseLicense, spdxIdIgnoringCase } from './spdx.js';
import { classifyLicenseText } from './text-classifier.js';

const MAX_NAME = 200;

/** Licence URLs of the common licences' own sites: the path names the licence. */
const URLS: { pattern: RegExp; id: (m: RegExpExecArray) => string | undefined }[] = [
  {
    pattern: /^https?:\/\/(?:www\.)?apache\.org\/licenses\/LICENSE-2\.0(?:\.txt|\.html)?\/?$/i,
    id: () => 'Apache-2.0',
  },
  {
    pattern:
      /^https?:\/\/(?:www\.)?(?:opensource\.org|spdx\.org)\/licenses\/([A-Za-z0-9.+-]+?)(?:\.php|\.html|\.txt)?\/?$/i,
    id: (m) => spdxIdIgnoringCase(m[1]!),
  },
  { pattern: /^https?:\/\/(?:www\.)?eclipse\.org\/legal\/epl-(?:v10|1\.0)(?:\.html)?\/?$/i, id: () => 'EPL-1.0' },
  { pattern: /^https?:\/\/(?:www\.)?eclipse\.org\/legal\/epl-(?:v20|2\.0)(?:\.html)?\/?$/i, id: () => 'EPL-2.0' },
  { pattern: /^https?:\/\/(?:www\.)?mozilla\.org\/(?:en-US\/)?MPL\/(1\.1|2\.0)\/?/i, id: (m) => `MPL-${m[1]}` },
];

/** SPDX id of a licence URL, or undefined. */
export function spdxFromUrl(url: string): string | undefined {
  const u = url.trim();
  if (u.length > 300) return undefined;
  for (const { pattern, id } of URLS) {
    const m = pattern.exec(u);
    if (m) return id(m);
  }
  return undefined;
}

/**
 * One licence as metadata names it → the SPDX ids it states. The prose
 * classifier goes first (it tells `-only` from `-or-later`), then SPDX's own
 * correction of near-ids (`Apache 2`), then the URL; failing all, the name
 * as written.
 */
export function licensesFromName(name: string | undefined, url?: string): string[] {
  const n = (name ?? '')
    .slice(0, 4 * MAX_NAME)
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_NAME);
  if (n) {
    if (/^https?:\/\//i.test(n)) {
      const id = spdxFromUrl(n);
      if (id) return [id];
    } else {
      const stated = classifyLicenseText(n);
      if (stated.length) return stated;
      const spdx = normaliseLicense(n);
      if (spdx) return [spdx];
    }
  }
  const fromUrl = url ? spdxFromUrl(url) : undefined;
  if (fromUrl) return [fromUrl];
  return n ? [n] : url?.trim() ? [url.trim().slice(0, MAX_NAME)] : [];
}
