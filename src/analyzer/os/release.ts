/**
 * OS detection from the release files distributions ship. Each file yields
 * what it knows; `resolveOS` combines the final filesystem's answers, since
 * e.g. Debian's os-release says `12` where debian_version says `12.7`.
 */
import type { OSInfo } from '../../model/os.js';
import type { Analyzer } from '../types.js';
import type { AnalyzerOutput } from '../../model/facts.js';

const RELEASE_FILES = new Set([
  'etc/os-release',
  'usr/lib/os-release',
  'etc/alpine-release',
  'etc/debian_version',
  'etc/lsb-release',
  'etc/redhat-release',
  'etc/centos-release',
  'etc/fedora-release',
  'etc/rocky-release',
  'etc/almalinux-release',
  'etc/system-release',
  'etc/oracle-release',
  'etc/SuSE-release',
]);

/** os-release `ID` → family name used across customs (and in advisories). */
const FAMILY_OF_ID: Record<string, string> = {
  debian: 'debian',
  ubuntu: 'ubuntu',
  alpine: 'alpine',
  rhel: 'redhat',
  centos: 'centos',
  rocky: 'rocky',
  almalinux: 'alma',
  fedora: 'fedora',
  amzn: 'amazon',
  ol: 'oracle',
  'opensuse-leap': 'opensuse.leap',
  'opensuse-tumbleweed': 'opensuse.tumbleweed',
  sles: 'suse linux enterprise server',
  wolfi: 'wolfi',
  chainguard: 'chainguard',
  photon: 'photon',
  mariner: 'cbl-mariner',
  azurelinux: 'azurelinux',
};

/** Parses `KEY=value` / `KEY="value"` lines (os-release, lsb-release). */
export function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n').slice(0, 200)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!m) continue;
    let v = m[2]!;
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    out[m[1]!] = v.replace(/\\(["'$`\\])/g, '$1').slice(0, 256);
  }
  return out;
}

function fromOsRelease(text: string): OSInfo | undefined {
  const kv = parseKeyValues(text);
  const id = kv['ID']?.toLowerCase();
  if (!id) return undefined;
  const family = FAMILY_OF_ID[id] ?? id;
  const versionId = kv['VERSION_ID'];
  const os: OSInfo = { family, name: versionId ?? kv['VERSION'] ?? 'unknown' };
  if (versionId) os.versionId = versionId;
  if (kv['VERSION_CODENAME']) os.codename = kv['VERSION_CODENAME'];
  return os;
}

/** `Red Hat Enterprise Linux release 9.4 (Plow)`, `CentOS Linux release 7.9.2009 (Core)`, `Amazon Linux release 2023`. */
function fromRedhatStyle(text: string): OSInfo | undefined {
  const line = text.split('\n')[0] ?? '';
  const m = /^(.*?)\s+release\s+([0-9][0-9.]*)/i.exec(line);
  if (!m) return undefined;
  const name = m[1]!.toLowerCase();
  const family = name.includes('red hat')
    ? 'redhat'
    : name.includes('centos')
      ? 'centos'
      : name.includes('rocky')
        ? 'rocky'
        : name.includes('alma')
          ? 'alma'
          : name.includes('fedora')
            ? 'fedora'
            : name.includes('amazon')
              ? 'amazon'
              : name.includes('oracle')
                ? 'oracle'
                : undefined;
  return family ? { family, name: m[2]! } : undefined;
}

export function detectFromFile(path: string, text: string): OSInfo | undefined {
  switch (path) {
    case 'etc/os-release':
    case 'usr/lib/os-release':
      return fromOsRelease(text);
    case 'etc/alpine-release': {
      const v = text.trim().split('\n')[0]?.trim();
      return v && /^[0-9][0-9A-Za-z._-]*$/.test(v) ? { family: 'alpine', name: v } : undefined;
    }
    case 'etc/debian_version': {
      const v = text.trim().split('\n')[0]?.trim();
      // Testing/unstable write `trixie/sid`: a codename, not a number.
      return v && v.length < 64 ? { family: 'debian', name: v } : undefined;
    }
    case 'etc/lsb-release': {
      const kv = parseKeyValues(text);
      const id = kv['DISTRIB_ID']?.toLowerCase();
      return id && kv['DISTRIB_RELEASE']
        ? { family: FAMILY_OF_ID[id] ?? id, name: kv['DISTRIB_RELEASE'], codename: kv['DISTRIB_CODENAME'] }
        : undefined;
    }
    default:
      return fromRedhatStyle(text);
  }
}

export const osReleaseAnalyzer: Analyzer = {
  name: 'os-release',
  version: 1,
  maxFileSize: 64 * 1024,
  required: (path) => RELEASE_FILES.has(path),
  analyze(file, ctx): AnalyzerOutput | undefined {
    const os = detectFromFile(file.path, file.content.toString('utf8'));
    if (!os && file.path.endsWith('os-release')) ctx.warn('no ID in os-release; the OS is unknown from this file');
    return os ? { os } : undefined;
  },
};

/** Priority of files per question: the most specific answer wins. */
const NAME_SOURCES: Record<string, string[]> = {
  debian: ['etc/debian_version', 'etc/os-release', 'usr/lib/os-release'],
  alpine: ['etc/alpine-release', 'etc/os-release', 'usr/lib/os-release'],
};

export function resolveOS(found: { path: string; os: OSInfo }[]): OSInfo | undefined {
  if (!found.length) return undefined;
  const byPath = new Map(found.map((f) => [f.path, f.os]));
  const osRelease = byPath.get('etc/os-release') ?? byPath.get('usr/lib/os-release');
  // The family comes from os-release when present (Ubuntu also ships debian_version).
  const family =
    osRelease?.family ??
    byPath.get('etc/alpine-release')?.family ??
    found.find((f) => f.path.endsWith('-release'))?.os.family ??
    found[0]!.os.family;
  const sameFamily = found.filter((f) => f.os.family === family);
  const order = NAME_SOURCES[family] ?? ['etc/os-release', 'usr/lib/os-release', 'etc/lsb-release'];
  let name: string | undefined;
  for (const p of order) {
    const n = byPath.get(p)?.family === family ? byPath.get(p)?.name : undefined;
    // debian_version of testing says `trixie/sid`: a numbered os-release answer is better.
    if (n && /^[0-9]/.test(n)) {
      name = n;
      break;
    }
  }
  name ??= osRelease?.name ?? sameFamily[0]?.os.name ?? 'unknown';
  const os: OSInfo = { family, name };
  const versionId = osRelease?.family === family ? osRelease.versionId : undefined;
  if (versionId) os.versionId = versionId;
  const codename = osRelease?.codename ?? sameFamily.find((f) => f.os.codename)?.os.codename;
  if (codename) os.codename = codename;
  return os;
}
