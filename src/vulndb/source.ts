/**
 * Where OSV exports come from: a local directory laid out like the osv.dev
 * bulk export (`<Ecosystem>/all.zip`), or an HTTP(S) base URL with the same
 * layout (zips are downloaded into a temporary folder first: a zip needs
 * random access).
 */
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { UserError } from '../util/errors.js';
import { lazyRequire } from '../util/lazy-require.js';

const http = lazyRequire<typeof import('node:http')>('node:http');
const https = lazyRequire<typeof import('node:https')>('node:https');

export const DEFAULT_SOURCE = 'https://osv-vulnerabilities.storage.googleapis.com';
const FOLDER = /^[A-Za-z0-9][A-Za-z0-9 .:_+-]{0,63}$/;

export interface SourceZip { folder: string; zipPath: string; source: string }

export function isUrl(s: string): boolean { return /^https?:\/\//.test(s); }

/** Downloads `url` into `file`, following redirects; `hint` says in errors which flag named the URL. */
export function fetchToFile(url: string, file: string, hint = 'check --db-source / CUSTOMS_DB_SOURCE', redirects = 5): Promise<void> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? https().get : http().get;
    const req = get(url, { timeout: 120_000 }, (res) => {
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
        res.resume();
        if (redirects <= 0) { reject(new UserError(`${url}: too many redirects`, hint)); return; }
        fetchToFile(new URL(res.headers.location, url).toString(), file, hint, redirects - 1).then(resolve, reject);
        return;
      }
      if (res.statusCode !== 200) { res.resume(); reject(new UserError(`${url}: HTTP ${res.statusCode}`, hint)); return; }
      pipeline(res, createWriteStream(file)).then(resolve, reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => reject(new UserError(`${url}: ${e.message}`, hint.includes('--db-source') ? 'no network? use --db-source DIR with a local copy of the OSV export, or --skip-db-update' : hint)));
  });
}

/** Lists (and for URLs, downloads) the zips of a source. */
export async function resolveSource(source: string, ecosystems: string[] | undefined, tmpDir: string, warn: (m: string) => void): Promise<SourceZip[]> {
  const wanted = (f: string): boolean => !ecosystems || ecosystems.includes(f);
  if (isUrl(source)) {
    const base = source.replace(/\/+$/, '');
    mkdirSync(tmpDir, { recursive: true });
    const listFile = join(tmpDir, 'ecosystems.txt');
    await fetchToFile(`${base}/ecosystems.txt`, listFile);
    const folders = readFileSync(listFile, 'utf8').split('\n').map((s) => s.trim()).filter((f) => f && FOLDER.test(f) && wanted(f));
    const out: SourceZip[] = [];
    for (const [i, folder] of folders.entries()) {
      const zipPath = join(tmpDir, `${i}.zip`);
      await fetchToFile(`${base}/${encodeURIComponent(folder)}/all.zip`, zipPath);
      out.push({ folder, zipPath, source });
    }
    return out;
  }
  if (!existsSync(source) || !statSync(source).isDirectory()) throw new UserError(`${source}: not a directory or URL`, 'give the OSV export folder (with <Ecosystem>/all.zip) or an https URL');
  const out: SourceZip[] = [];
  for (const folder of readdirSync(source).sort()) {
    const zipPath = join(source, folder, 'all.zip');
    if (!statSync(join(source, folder)).isDirectory()) continue;
    if (!existsSync(zipPath)) {
      if (folder !== 'severity') warn(`${join(source, folder)}: no all.zip; not an OSV ecosystem folder, skipped`);
      continue;
    }
    if (!FOLDER.test(folder)) { warn(`${folder}: unexpected ecosystem folder name; skipped`); continue; }
    if (wanted(folder)) out.push({ folder, zipPath, source });
  }
  return out;
}

/** `severity/cve-cvss3.json` beside the ecosystems, when the source has it. */
export function cveCvssFile(source: string): string | undefined {
  if (isUrl(source)) return undefined;
  const f = join(source, 'severity', 'cve-cvss3.json');
  return existsSync(f) ? f : undefined;
}
