/**
 * What the SBOM formats share: the packages of a report, each once, with a
 * reference that is unique even when two packages share a purl at different
 * paths (nested copies of one npm package).
 */
import { createHash } from 'node:crypto';
import type { Package } from '../../model/package.js';
import type { Report } from '../../model/report.js';

export interface InventoryItem {
  pkg: Package;
  /** Unique within the document. */
  ref: string;
  isOs: boolean;
}

export function shortHash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
}

export function inventoryOf(report: Report): InventoryItem[] {
  const seen = new Map<string, number>();
  const items: InventoryItem[] = [];
  for (const r of report.results) {
    for (const pkg of r.packages ?? []) {
      const base = pkg.purl || `${pkg.type}:${pkg.name}@${pkg.version}`;
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      const ref = n === 0 ? base : `${base}#${shortHash(pkg.filePath, String(n))}`;
      items.push({ pkg, ref, isOs: r.class === 'os-pkgs' });
    }
  }
  return items;
}

/** One SPDX-expression-ish licence string from a package's licence list. */
export function licenceExpression(licenses: string[] | undefined): string | undefined {
  const l = (licenses ?? []).map((s) => s.trim()).filter(Boolean);
  if (!l.length) return undefined;
  return l.length === 1 ? l[0] : l.map((x) => (/\s(AND|OR|WITH)\s/.test(x) ? `(${x})` : x)).join(' AND ');
}
