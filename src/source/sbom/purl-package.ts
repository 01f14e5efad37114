/**
 * A package from a purl, as SBOMs describe them: ecosystem, name, version,
 * and the OS from the `distro` qualifier when there is one.
 */
import type { OSInfo } from '../../model/os.js';
import { ECOSYSTEMS, ecosystemOfPurlType } from '../../ecosystem/ecosystems.js';
import type { Package } from '../../model/package.js';
import { parsePurl, type PurlParts } from '../../model/purl.js';
import { parseSourceRpm } from '../../analyzer/os/source-rpm.js';
import { sbomOs } from './os.js';

export interface SbomExtras {
  name?: string;
  srcName?: string;
  srcVersion?: string;
  ownedBy?: string;
  filePath?: string;
  type?: string;
  origin?: string;
  arch?: string;
  licenses?: string[];
}

function nameOf(p: PurlParts): string {
  switch (p.type) {
    case 'npm':
      return p.namespace ? `${p.namespace}/${p.name}` : p.name;
    case 'golang':
      return p.namespace ? `${p.namespace}/${p.name}` : p.name;
    case 'maven':
      return p.namespace ? `${p.namespace}:${p.name}` : p.name;
    case 'composer':
      return p.namespace ? `${p.namespace}/${p.name}` : p.name;
    default:
      return p.name;
  }
}

/** `debian-12`, `alpine-3.20.3`, `ubuntu-22.04`, `3.20.3` (Trivy's apk form). */
export function osOfDistro(distro: string | undefined, namespace: string | undefined): OSInfo | undefined {
  if (!distro) return undefined;
  const m = /^([a-z][a-z.-]*?)-(\d[\w.]*)$/.exec(distro);
  if (m) return sbomOs(m[1]!, m[2]!);
  if (/^\d/.test(distro) && namespace) return sbomOs(namespace, distro);
  return undefined;
}

/** syft's `upstream` qualifier: `name` or `name@version`, for rpm the source rpm's file name. */
function upstreamOf(type: string, upstream: string | undefined): { name?: string; version?: string } | undefined {
  if (!upstream) return undefined;
  if (type === 'rpm' && upstream.endsWith('.rpm')) return parseSourceRpm(upstream);
  const at = upstream.indexOf('@');
  return at < 0 ? { name: upstream } : { name: upstream.slice(0, at), version: upstream.slice(at + 1) };
}

export function packageFromPurl(purl: string, extras: SbomExtras, filePath: string): Package | undefined {
  const p = parsePurl(purl);
  if (!p || !p.version) return undefined;
  const ecosystem = ecosystemOfPurlType(p.type);
  if (!ecosystem) return undefined;
  let version = p.version;
  const epoch = p.qualifiers?.['epoch'];
  if ((p.type === 'deb' || p.type === 'rpm') && epoch && epoch !== '0') version = `${epoch}:${version}`;
  if (p.type === 'golang' && p.name === 'stdlib') version = version.replace(/^v/, '');
  const upstream = upstreamOf(p.type, p.qualifiers?.['upstream']);
  // purls normalise some names (PyPI lower-cases them); the document's own spelling wins when it is the same name.
  const fold = (n: string): string => n.toLowerCase().replace(/[-_.]+/g, '-');
  const name = extras.name && fold(extras.name) === fold(nameOf(p)) ? extras.name : nameOf(p);
  const pkg: Package = {
    name,
    version,
    purl,
    ecosystem,
    type: extras.type ?? ECOSYSTEMS[ecosystem].sbomResultType,
    filePath: extras.filePath ?? filePath,
    origin: extras.origin === 'lockfile' ? 'lockfile' : 'installed',
  };
  const arch = extras.arch ?? p.qualifiers?.['arch'];
  if (arch) pkg.arch = arch;
  const srcName = extras.srcName ?? upstream?.name;
  if (srcName) pkg.srcName = srcName;
  // A source rpm's file name has no epoch; the binary's applies to it, as the rpm analyzer reads it.
  const srcVersion =
    extras.srcVersion ??
    (upstream?.version && p.type === 'rpm' && epoch && epoch !== '0'
      ? `${epoch}:${upstream.version}`
      : upstream?.version);
  if (srcVersion) pkg.srcVersion = srcVersion;
  if (extras.ownedBy) pkg.ownedBy = extras.ownedBy;
  if (extras.licenses?.length) pkg.licenses = extras.licenses;
  return pkg;
}
