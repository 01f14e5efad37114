/**
 * What the SBOM formats share: the packages of a report, one item per purl
 * (a package seen at several places, or the same version used by two
 * projects, is one component with every place as evidence), each with a
 * reference unique within the document.
 */
import { createHash } from 'node:crypto';
import type { ApplicationOf } from '../../model/artifact.js';
import { packageId, type Package } from '../../model/package.js';
import { projectOf } from '../../artifact/sightings.js';
import type { Report, Vulnerability } from '../../model/report.js';

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
      if (!item) {
        byRef.set(ref, { pkg, ref, isOs: r.class === 'os-pkgs', paths: [...paths], members: [pkg] });
        continue;
      }
      item.members.push(pkg);
      // The component stands for every copy: it is the OS's own (not matched by default) only when every copy is.
      if (item.pkg.ownedBy && !pkg.ownedBy) item.pkg = pkg;
      for (const p of paths) if (!item.paths.includes(p)) item.paths.push(p);
    }
  }
  return [...byRef.values()];
}

/** The inventory item of the package a finding names (by id, purl and path). */
export function itemByPackage(
  items: InventoryItem[],
): (v: Pick<Vulnerability, 'pkgId' | 'purl' | 'pkgPath'>) => InventoryItem | undefined {
  const m = new Map<string, InventoryItem>();
  for (const i of items) for (const p of i.members) m.set(`${packageId(p)}\0${p.purl}\0${p.filePath}`, i);
  const byPurl = new Map(items.filter((i) => i.pkg.purl).map((i) => [i.pkg.purl, i]));
  return (v) => m.get(`${v.pkgId}\0${v.purl}\0${v.pkgPath ?? ''}`) ?? (v.purl ? byPurl.get(v.purl) : undefined);
}

export interface ApplicationItem {
  app: ApplicationOf;
  /** Unique within the document: the application's purl, else its manifest's path. */
  ref: string;
  /** The inventory items of its project. */
  dependencies: InventoryItem[];
}

/** The report's applications, each with the inventory items of its project; `rest` are the language packages of no application. */
export function applicationsOf(
  report: Report,
  items: InventoryItem[],
): { apps: ApplicationItem[]; rest: InventoryItem[] } {
  const byProject = new Map<string, InventoryItem[]>();
  for (const i of items) {
    if (i.isOs) continue;
    for (const project of new Set(i.members.map(projectOf))) {
      const l = byProject.get(project) ?? [];
      l.push(i);
      byProject.set(project, l);
    }
  }
  const taken = new Set(items.map((i) => i.ref));
  const apps = (report.applications ?? []).map((app) => {
    const ref = app.purl && !taken.has(app.purl) ? app.purl : `application:${app.filePath}`;
    taken.add(ref);
    return { app, ref, dependencies: byProject.get(app.project) ?? [] };
  });
  const inApp = new Set(apps.flatMap((a) => a.dependencies));
  return { apps, rest: items.filter((i) => !i.isOs && !inApp.has(i)) };
}

/** One SPDX-expression-ish licence string from a package's licence list. */
export function licenseExpression(licenses: string[] | undefined): string | undefined {
  const l = (licenses ?? []).map((s) => s.trim()).filter(Boolean);
  if (!l.length) return undefined;
  return l.length === 1 ? l[0] : l.map((x) => (/\s(AND|OR|WITH)\s/.test(x) ? `(${x})` : x)).join(' AND ');
}
