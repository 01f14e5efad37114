/**
 * rpm's SOURCERPM (`bash-5.1.8-6.el9.src.rpm`): the source package's name and
 * version-release. Read by the rpm analyzer and from syft's purl `upstream`
 * qualifier, which carries the same file name.
 */
export function parseSourceRpm(s: string | undefined): { name?: string; version?: string } {
  const m = s ? /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(s) : null;
  return m ? { name: m[1], version: `${m[2]}-${m[3]}` } : {};
}
