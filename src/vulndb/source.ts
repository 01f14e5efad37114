/**
 * Where OSV exports come from: a local directory laid out like the osv.dev
 * bulk export (`<Ecosystem>/all.zip`), or an HTTP(S) base URL with the same
 * layout (zips are downloaded into a temporary folder first: a zip needs
 * random access).
 */
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { defaultHttpOptions, get, readBody, type HttpOptions } from '../source/registry/http.js';
import { errorMessage, UserError } from '../util/errors.js';

export const DEFAULT_SOURCE = 'https://osv-vulnerabilities.storage.googleapis.com';
const FOLDER = /^[A-Za-z0-9][A-Za-z0-9 .:_+-]{0,63}$/;

export interface SourceZip {
  folder: string;
  zipPath: string;
  source: string;
}

export function isUrl(s: string): boolean {
  return /^https?:\/\//.test(s);
}

/**
 * Downloads go through the registry client's HTTP code: redirects capped
 * (5) and never from https to http, retries bounded, TLS verified, an idle
 * socket timed out. Sizes are capped too: a source is a stranger.
 */
const DOWNLOAD: HttpOptions = { ...defaultHttpOptions, timeoutMs: 120_000 };
/** One ecosystem's all.zip (osv.dev's largest are a few hundred MB). */
export const MAX_ZIP_BYTES = 4 * 1024 ** 3;
const MAX_LIST_BYTES = 1024 * 1024;
const MAX_FOLDERS = 1000;

const DB_SOURCE_HINT = 'check --db-source / CUSTOMS_DB_SOURCE';

async function download(url: string, hint: string): Promise<IncomingMessage> {
  let res: IncomingMessage;
  try {
    res = await get(new URL(url), {}, DOWNLOAD);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(
      `${url}: ${errorMessage(e)}`,
      hint === DB_SOURCE_HINT
        ? 'no network? use --db-source DIR with a local copy of the OSV export, or --skip-db-update'
        : hint,
    );
  }
  if (res.statusCode !== 200) {
    res.resume();
    throw new UserError(`${url}: HTTP ${res.statusCode}`, hint);
  }
  return res;
}

/** Streams a download into `file`, refusing more than `max` bytes; `hint` says in errors which flag named the URL. */
export async function fetchToFile(url: string, file: string, max: number, hint = DB_SOURCE_HINT): Promise<void> {
  const res = await download(url, hint);
  const tooLarge = (): UserError =>
    new UserError(`${url}: more than ${max} bytes`, 'the source is not an OSV export, or is not the one meant');
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    res.destroy();
    throw tooLarge();
  }
  let n = 0;
  const bounded = new Transform({
    transform(chunk: Buffer, _e, cb) {
      n += chunk.length;
      cb(n > max ? tooLarge() : null, chunk);
    },
  });
  await pipeline(res, bounded, createWriteStream(file));
}

/** Lists (and for URLs, downloads) the zips of a source. */
export async function resolveSource(
  source: string,
  ecosystems: string[] | undefined,
  tmpDir: string,
  warn: (m: string) => void,
): Promise<SourceZip[]> {
  const wanted = (f: string): boolean => !ecosystems || ecosystems.includes(f);
  if (isUrl(source)) {
    const base = source.replace(/\/+$/, '');
    mkdirSync(tmpDir, { recursive: true });
    const listUrl = `${base}/ecosystems.txt`;
    const list = await readBody(await download(listUrl, DB_SOURCE_HINT), MAX_LIST_BYTES, listUrl, DOWNLOAD.timeoutMs);
    const folders = list
      .toString('utf8')
      .split('\n')
      .map((s) => s.trim())
      .filter((f) => f && FOLDER.test(f) && wanted(f));
    if (folders.length > MAX_FOLDERS)
      throw new UserError(
        `${listUrl}: lists ${folders.length} ecosystems, more than ${MAX_FOLDERS}`,
        'the source is not an OSV export',
      );
    const out: SourceZip[] = [];
    for (const [i, folder] of folders.entries()) {
      const zipPath = join(tmpDir, `${i}.zip`);
      await fetchToFile(`${base}/${encodeURIComponent(folder)}/all.zip`, zipPath, MAX_ZIP_BYTES);
      out.push({ folder, zipPath, source });
    }
    return out;
  }
  if (!existsSync(source) || !statSync(source).isDirectory())
    throw new UserError(
      `${source}: not a directory or URL`,
      'give the OSV export folder (with <Ecosystem>/all.zip) or an https URL',
    );
  const out: SourceZip[] = [];
  for (const folder of readdirSync(source).sort()) {
    const zipPath = join(source, folder, 'all.zip');
    if (!statSync(join(source, folder)).isDirectory()) continue;
    if (!existsSync(zipPath)) {
      if (folder !== 'severity') warn(`${join(source, folder)}: no all.zip; not an OSV ecosystem folder, skipped`);
      continue;
    }
    if (!FOLDER.test(folder)) {
      warn(`${folder}: unexpected ecosystem folder name; skipped`);
      continue;
    }
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
