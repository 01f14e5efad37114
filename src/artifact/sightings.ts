/**
 * One package, however many times it was seen. A project's dependency is
 * often read twice (its installed `node_modules/x/package.json` and the
 * lockfile entry beside it) and sometimes more (the same version nested
 * under two dependants). Counted once per sighting, every finding on it
 * was reported as often; so a language package is one package per
 * (ecosystem, name, version, project), and every path it was seen at is
 * kept as evidence (`foundIn`).
 */
import type { Package } from '../model/package.js';

/** Package types read from one file that is a program of its own: its packages belong to that file, never to its neighbours'. */
const SELF_CONTAINED = new Set(['gobinary', 'jar']);
const OS_ECOSYSTEMS = new Set(['deb', 'apk', 'rpm']);
/** Directories dependencies are installed into, inside the project they belong to. */
const INSTALL_DIR = /(?:^|\/)(?:node_modules|vendor)\//;

/**
 * The project a package's file belongs to: the directory holding the
 * `node_modules`/`vendor` tree it is installed in, else the directory of the
 * lockfile or metadata file; an archive or binary is a project of its own.
 */
export function projectOf(p: Pick<Package, 'filePath' | 'type'>): string {
  const file = p.filePath.split('!')[0]!;
  if (SELF_CONTAINED.has(p.type) || p.filePath.includes('!')) return file;
  const m = INSTALL_DIR.exec(file);
  if (m) return file.slice(0, m.index);
  const slash = file.lastIndexOf('/');
  return slash < 0 ? '' : file.slice(0, slash);
}

/** Names as the ecosystem compares them (PEP 503 for PyPI: `PyYAML` = `pyyaml`). */
function foldName(p: Package): string {
  return p.ecosystem === 'pypi' ? p.name.toLowerCase().replace(/[-_.]+/g, '-') : p.name;
}

function sightingKey(p: Package): string {
  return `${p.ecosystem}\0${foldName(p)}\0${p.version}\0${projectOf(p)}`;
}

/** Installed metadata describes what is there; a lockfile what was asked for. The first kind is kept as the package. */
function better(a: Package, b: Package): boolean {
  if (a.origin !== b.origin) return a.origin === 'installed';
  return a.filePath.length < b.filePath.length || (a.filePath.length === b.filePath.length && a.filePath < b.filePath);
}

/** Folds `other` into `into`: facts `into` lacks are taken, every path is kept. */
function fold(into: Package, other: Package): void {
  into.foundIn = [...new Set([...(into.foundIn ?? [into.filePath]), ...(other.foundIn ?? [other.filePath])])];
  if (!into.licenses?.length && other.licenses?.length) into.licenses = other.licenses;
  if (!into.dependsOn?.length && other.dependsOn?.length) into.dependsOn = other.dependsOn;
  // A dependency is development-only when every sighting says so.
  if (into.dev && !other.dev) delete into.dev;
  into.ownedBy ??= other.ownedBy;
}

/** OS packages pass through unchanged; language packages are merged per (ecosystem, name, version, project), in first-seen order. */
export function mergeSightings(packages: Package[]): Package[] {
  const merged = new Map<string, Package>();
  let unique = 0;
  for (const p of packages) {
    const key = OS_ECOSYSTEMS.has(p.ecosystem) ? `\0os${unique++}` : sightingKey(p);
    const prev = merged.get(key);
    if (!prev) {
      merged.set(key, p);
      continue;
    }
    const [keep, other] = better(p, prev) ? [{ ...p }, prev] : [prev.foundIn ? prev : { ...prev }, p];
    fold(keep, other);
    merged.set(key, keep);
  }
  const out = [...merged.values()];
  for (const p of out) if (p.foundIn) p.foundIn = [p.filePath, ...p.foundIn.filter((f) => f !== p.filePath).sort()];
  return out;
}
