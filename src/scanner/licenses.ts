/**
 * Licence findings: every package's licences, normalised to SPDX and
 * classified; a package whose metadata names none gets an explicit
 * `UNKNOWN` finding — nothing is dropped.
 */
import { classifyLicense, SEVERITY_OF } from '../license/classify.js';
import type { LicenseFinding, Report, Result } from '../model/report.js';

export function licenseResults(report: Report, forbidden: Set<string>): Result[] {
  const out: Result[] = [];
  for (const r of report.results) {
    if (r.class !== 'os-pkgs' && r.class !== 'lang-pkgs') continue;
    const licenses: LicenseFinding[] = [];
    for (const p of r.packages ?? []) {
      const names = p.licenses?.length ? p.licenses : ['UNKNOWN'];
      for (const raw of names) {
        const c =
          raw === 'UNKNOWN' ? { name: 'UNKNOWN', category: 'unknown' as const } : classifyLicense(raw, forbidden);
        licenses.push({
          pkgName: p.name,
          filePath: p.filePath,
          name: c.name,
          category: c.category,
          severity: SEVERITY_OF[c.category],
        });
      }
    }
    if (licenses.length) out.push({ target: r.target, class: 'license', type: r.type, licenses });
  }
  return out;
}
