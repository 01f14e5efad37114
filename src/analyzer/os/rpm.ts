/**
 * rpm databases: `rpmdb.sqlite` (rpm ≥ 4.16; opened from memory, never
 * written to disk) and Berkeley DB `Packages` (older distributions). Each
 * holds one header blob per installed package.
 */
import Database from 'better-sqlite3';
import type { Package } from '../../model/package.js';
import type { AnalyzeContext, Analyzer } from '../types.js';
import type { AnalyzerOutput } from '../../model/facts.js';
import { MiB } from '../types.js';
import { ownedFileList } from '../../model/facts.js';
import { readBdbHashValues } from './rpmdb-bdb.js';
import { fileList, parseRpmHeader, str, TAG } from './rpm-header.js';
import { parseSourceRpm } from './source-rpm.js';

const SQLITE_PATHS = new Set(['var/lib/rpm/rpmdb.sqlite', 'usr/lib/sysimage/rpm/rpmdb.sqlite']);
const BDB_PATHS = new Set(['var/lib/rpm/Packages', 'usr/lib/sysimage/rpm/Packages']);
const MAX_PACKAGES = 100_000;

/**
 * rpm keeps its sqlite database in WAL mode; an in-memory copy must say
 * "rollback journal" (header bytes 18-19 = 1) or SQLite refuses to open it.
 */
function sqliteBlobs(content: Buffer): Buffer[] {
  const copy = Buffer.from(content);
  if (copy.length > 20 && copy.toString('latin1', 0, 15) === 'SQLite format 3' && copy[18] === 2) {
    copy[18] = 1;
    copy[19] = 1;
  }
  const db = new Database(copy, { readonly: true });
  try {
    return (db.prepare('SELECT blob FROM Packages LIMIT ?').all(MAX_PACKAGES) as { blob: Buffer }[]).map((r) => r.blob);
  } finally {
    db.close();
  }
}

function toPackage(
  blob: Buffer,
  filePath: string,
  ctx: AnalyzeContext,
  owned: Record<string, string>,
): Package | undefined {
  let h;
  try {
    h = parseRpmHeader(blob);
  } catch (e) {
    ctx.warn(`a package header is corrupt (${(e as Error).message}); skipped`);
    return undefined;
  }
  const name = str(h, TAG.NAME);
  const ver = str(h, TAG.VERSION);
  if (!name || !ver) return undefined; // the gpg-pubkey pseudo-packages and broken headers
  if (name === 'gpg-pubkey') return undefined;
  const rel = str(h, TAG.RELEASE);
  const epoch = h.ints.get(TAG.EPOCH)?.[0];
  const version = `${epoch ? `${epoch}:` : ''}${ver}${rel ? `-${rel}` : ''}`;
  const src = parseSourceRpm(str(h, TAG.SOURCERPM));
  const pkg: Package = {
    name,
    version,
    srcName: src.name ?? name,
    srcVersion: src.version ? `${epoch ? `${epoch}:` : ''}${src.version}` : version,
    purl: '',
    ecosystem: 'rpm',
    type: 'rpm',
    filePath,
    origin: 'installed',
  };
  const arch = str(h, TAG.ARCH);
  if (arch) pkg.arch = arch;
  const lic = str(h, TAG.LICENSE);
  if (lic) pkg.licenses = [lic];
  const vendor = str(h, TAG.VENDOR);
  if (vendor) pkg.maintainer = vendor;
  const files = fileList(h);
  if (files.length) owned[name] = ownedFileList(files);
  return pkg;
}

export const rpmAnalyzer: Analyzer = {
  name: 'rpm',
  version: 2,
  maxFileSize: 512 * MiB,
  required: (path) => SQLITE_PATHS.has(path) || BDB_PATHS.has(path),
  analyze(file, ctx): AnalyzerOutput | undefined {
    let blobs: Buffer[];
    try {
      blobs = SQLITE_PATHS.has(file.path) ? sqliteBlobs(file.content) : readBdbHashValues(file.content);
    } catch (e) {
      ctx.warn(`not a readable rpm database (${(e as Error).message}); skipped`);
      return undefined;
    }
    const ownedFiles: Record<string, string> = {};
    const packages = blobs
      .slice(0, MAX_PACKAGES)
      .map((b) => toPackage(b, file.path, ctx, ownedFiles))
      .filter((p): p is Package => !!p);
    return { packageSets: [{ type: 'rpm', filePath: file.path, packages }], ownedFiles };
  },
};
