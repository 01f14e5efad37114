/**
 * One comparator per version scheme. A comparator never falls back to string
 * comparison: a version it cannot parse makes `parse` fail, and the matcher
 * reports that on the package instead of guessing.
 */
export interface VersionComparator {
  /** Scheme id (`dpkg`, `apk`, `rpm`, `semver`, `pep440`, `go`, `rubygems`, `maven`, `nuget`, `composer`). */
  readonly id: string;
  /** True when `v` is a version this scheme can order. */
  isValid(v: string): boolean;
  /** <0, 0, >0 like `a - b`. Throws `InvalidVersionError` when either side is invalid. */
  compare(a: string, b: string): number;
}

export class InvalidVersionError extends Error {
  constructor(
    readonly scheme: string,
    readonly version: string,
  ) {
    super(`invalid ${scheme} version "${version}"`);
    this.name = 'InvalidVersionError';
  }
}
