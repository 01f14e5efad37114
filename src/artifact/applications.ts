/**
 * Which application each package belongs to: a project manifest's
 * directory is its project, and the packages whose project (sightings.ts)
 * is that directory are its dependencies. A manifest no package belongs to
 * (a stray package.json, an example in a doc folder) is no application.
 */
import type { ApplicationOf } from '../model/artifact.js';
import type { Application, Package } from '../model/package.js';
import { projectOf } from './sightings.js';

/** Preference when one directory holds several manifests: the one that names the ecosystem of its packages, then this order. */
const ORDER = ['npm', 'pypi', 'cargo', 'composer', 'maven', 'nuget', 'rubygems'];

export function applicationsOf(manifests: Application[], packages: Package[]): ApplicationOf[] {
  const projects = new Map<string, Set<string>>();
  // A manifest a package was read from (Debian's usr/share/nodejs/x/package.json) describes that package, not an application.
  const packageFiles = new Set(packages.flatMap((p) => p.foundIn ?? [p.filePath]));
  for (const p of packages) {
    if (p.ecosystem === 'deb' || p.ecosystem === 'apk' || p.ecosystem === 'rpm') continue;
    const dir = projectOf(p);
    const ecos = projects.get(dir) ?? new Set<string>();
    ecos.add(p.ecosystem);
    projects.set(dir, ecos);
  }
  const byDir = new Map<string, ApplicationOf>();
  for (const m of manifests) {
    if (packageFiles.has(m.filePath)) continue;
    const slash = m.filePath.lastIndexOf('/');
    const project = slash < 0 ? '' : m.filePath.slice(0, slash);
    const ecos = projects.get(project);
    if (!ecos) continue;
    const rank = (a: Application): number => (ecos.has(a.ecosystem) ? 0 : 100) + ORDER.indexOf(a.ecosystem);
    const prev = byDir.get(project);
    if (!prev || rank(m) < rank(prev) || (rank(m) === rank(prev) && m.filePath < prev.filePath))
      byDir.set(project, { ...m, project });
  }
  return [...byDir.values()].sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));
}
