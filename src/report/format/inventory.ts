/**
 * What the SBOM formats share: the packages of a report, one item per purl
 * (a package seen at several places, or the same version used by two
 * projects, is one component with every place as evidence), each with a
 * reference unique within the document.
 */
import { createHash } from 'node:crypto';
import type { Package } from '../../artifact/package.js';
import type { Report } from '../model.js';

export interface InventoryItem {
  pkg: Package;
  /** Unique within the document. */
  ref: string;
  isOs: boolean;
  /** Every image path the package was seen at, its own `filePath` first. */
  paths: string[];
  /** Every package of the report this item stands for (the same purl in several projects). */
  members: Package[];
}

export function shortHash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
}

export function inventoryOf(report: Report): InventoryItem[] {
  const byRef = new Map<string, InventoryItem>();
  for (const r of report.results) {
    for (const pkg of r.packages ?? []) {
      // Without a purl nothing says two packages are the same one: each keeps its own item.
      const ref = pkg.purl || `${pkg.type}:${pkg.name}@${pkg.version}#${shortHash(pkg.filePath)}`;
      const item = byRef.get(ref);
      const paths = pkg.foundIn ?? [pkg.filePath];
      if (!item) { byRef.set(ref, { pkg, ref, isOs: r.class === 'os-pkgs', paths: [...paths], members: [pkg] }); continue; }
      item.members.push(pkg);
      for (const p of paths) if (!item.paths.includes(p)) item.paths.push(p);
    }
  }
  return [...byRef.values()];
}

/** The inventory item of each package, by its purl and path (how findings name their package). */
export function itemByPackage(items: InventoryItem[]): (purl: string, path: string | undefined) => InventoryItem | undefined {
  const m = new Map<string, InventoryItem>();
  for (const i of items) for (const p of i.members) m.set(`${p.purl}\0${p.filePath}`, i);
  const byPurl = new Map(items.filter((i) => i.pkg.purl).map((i) => [i.pkg.purl, i]));
  return (purl, path) => m.get(`${purl}\0${path ?? ''}`) ?? byPurl.get(purl);
}

/** One SPDX-expression-ish licence string from a package's licence list. */
export function licenceExpression(licenses: string[] | undefined): string | undefined {
  const l = (licenses ?? []).map((s) => s.trim()).filter(Boolean);
  if (!l.length) return undefined;
  return l.length === 1 ? l[0] : l.map((x) => (/\s(AND|OR|WITH)\s/.test(x) ? `(${x})` : x)).join(' AND ');
}
