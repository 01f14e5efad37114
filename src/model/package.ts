/**
 * The inventory model: one installed (or locked) package, wherever it came from.
 */

/** Where in the image a fact came from. */
export interface LayerRef {
  digest: string;
  diffId: string;
  createdBy: string;
}

/**
 * The ecosystem a package is matched in. OS ecosystems match by distribution
 * and release; language ecosystems by name.
 */
export type Ecosystem =
  'deb' | 'apk' | 'rpm' | 'npm' | 'pypi' | 'go' | 'maven' | 'rubygems' | 'cargo' | 'composer' | 'nuget';

/** How we know the package is there. */
export type PackageOrigin = 'installed' | 'lockfile';

export interface Package {
  name: string;
  /** The full version as the ecosystem writes it (dpkg: `epoch:upstream-revision`). */
  version: string;
  /** Source package (dpkg `Source:`, apk origin, rpm source rpm name). */
  srcName?: string;
  srcVersion?: string;
  arch?: string;
  licenses?: string[];
  maintainer?: string;
  purl: string;
  ecosystem: Ecosystem;
  /**
   * The result type in Trivy's vocabulary (`debian`, `alpine`, `node-pkg`,
   * `python-pkg`, `gobinary`, `jar`, `gemspec`, `bundler`, `pip`…): one result
   * per (type, file).
   */
  type: string;
  /** Image path (no leading slash) of the file the package was read from. */
  filePath: string;
  /**
   * Every image path the same package (ecosystem, name, version, project)
   * was seen at, `filePath` first; set only when there is more than one
   * (installed metadata and the lockfile beside it, nested copies).
   */
  foundIn?: string[];
  origin: PackageOrigin;
  /** Lockfile entry used only in development. */
  dev?: boolean;
  /** Name of the OS package that owns `filePath`, for language metadata shipped by the distribution. */
  ownedBy?: string;
  /** Names (ids) of direct dependencies, when the metadata gives them. */
  dependsOn?: string[];
  /** How the identity was found when not from package metadata proper (`manifest`, `file-name` for jars). */
  identifiedBy?: string;
  /** Filled by the merge: the layer that introduced this package's current version. */
  layer?: LayerRef;
}

/**
 * The application a project manifest describes (root `package.json`,
 * `pyproject.toml`, `pom.xml`…): the SBOM's component of type application,
 * with the packages of its project under it.
 */
export interface Application {
  name: string;
  version?: string;
  /** When the manifest says enough for one (a Maven project needs its group). */
  purl?: string;
  ecosystem: Ecosystem;
  /** Image path of the manifest. */
  filePath: string;
}

/** Stable id for a package within a report (Trivy's `ID`). */
export function packageId(p: Pick<Package, 'name' | 'version'>): string {
  return `${p.name}@${p.version}`;
}
