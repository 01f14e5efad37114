/**
 * `db export` / `db import`: the database travels as one SQLite file with a
 * `FILE.sha256` beside it (sha256sum's format) and, when a key is given, a
 * `FILE.sig`: an Ed25519 signature over the digest line. An import hashes
 * its own copy of the file, checks the digest (and the signature when
 * `--verify-key` names a public key), then the schema exactly (schema-check.ts:
 * tables and indexes only, no views or triggers) and SQLite's integrity,
 * all on a temporary copy renamed over the current database only when
 * every check has passed.
 */
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import {
  copyFileSync,
  createReadStream,
  existsSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ensurePrivateDir } from '../util/private-dir.js';
import Database from 'better-sqlite3';
import { errorMessage, UserError } from '../util/errors.js';
import { schemaDifferences } from './schema-check.js';
import { claimFreshFile } from '../util/atomic-file.js';
import { SCHEMA_VERSION, VulnDb, type DbStatus } from './store.js';
import { dbDir, dbPath, openDb } from './update.js';

/** Problems integrity_check reports at most: the first few say enough, and the check stops there. */
const INTEGRITY_ERRORS = 10;
/** What the signature covers: a fixed prefix (so it can mean nothing else) and the digest. */
const SIGNED_PREFIX = 'customs vulnerability database export v1\n';

export interface ExportOptions {
  signKeyFile?: string;
}
export interface ImportOptions {
  verifyKeyFile?: string;
  warn?: (m: string) => void;
}

export function digestFile(file: string): string {
  return `${file}.sha256`;
}
export function signatureFile(file: string): string {
  return `${file}.sig`;
}

async function sha256Of(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

function ed25519Key(file: string, kind: 'private' | 'public'): KeyObject {
  let key: KeyObject;
  try {
    const pem = readFileSync(file);
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch (e) {
    throw new UserError(
      `${file}: cannot read the ${kind} key (${errorMessage(e).split('\n')[0]})`,
      'give a PEM Ed25519 key, e.g. from `openssl genpkey -algorithm ed25519`',
    );
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new UserError(
      `${file}: a ${key.asymmetricKeyType ?? 'non-asymmetric'} key; customs signs exports with Ed25519`,
      'make one with `openssl genpkey -algorithm ed25519 -out key.pem`',
    );
  return key;
}

/**
 * A temp name beside `file` that nobody can guess: the folder may be shared,
 * and a link planted at a predictable name would be written through.
 */
function tempBeside(file: string): string {
  return join(dirname(file), `.${basename(file)}.tmp-${randomBytes(12).toString('hex')}`);
}

/** Writes `data` to `file` through a temp file (created exclusively) renamed into place. */
function writeAtomically(file: string, data: string): void {
  const tmp = tempBeside(file);
  try {
    writeFileSync(tmp, data, { flag: 'wx' });
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}

export async function exportDb(cacheDir: string, file: string, opts: ExportOptions = {}): Promise<void> {
  const key = opts.signKeyFile ? ed25519Key(opts.signKeyFile, 'private') : undefined;
  const db = openDb(cacheDir);
  db.close();
  const src = new Database(dbPath(cacheDir), { readonly: true, fileMustExist: true });
  const tmp = tempBeside(file);
  try {
    await src.backup(tmp);
    const hex = await sha256Of(tmp);
    // The database first: a sidecar that names another file's digest only makes the import refuse.
    renameSync(tmp, file);
    writeAtomically(digestFile(file), `${hex}  ${basename(file)}\n`);
    if (key)
      writeAtomically(signatureFile(file), `${sign(null, Buffer.from(SIGNED_PREFIX + hex), key).toString('base64')}\n`);
    else rmSync(signatureFile(file), { force: true }); // an old signature would not match this export
  } finally {
    src.close();
    rmSync(tmp, { force: true });
  }
}

/** The digest `FILE.sha256` promises (the first field of its first line). */
function promisedDigest(file: string): string {
  const side = digestFile(file);
  if (!existsSync(side))
    throw new UserError(
      `${file}: no ${basename(side)} beside it`,
      'copy the .sha256 file `db export` writes along with the database',
    );
  if (statSync(side).size > 4096) throw new UserError(`${side}: not a digest file (too large)`);
  const m = /^([a-f0-9]{64})\s/.exec(readFileSync(side, 'utf8'));
  if (!m)
    throw new UserError(
      `${side}: not a sha256 digest line`,
      'it should read "<64 hex digits>  FILE", as `db export` writes it',
    );
  return m[1]!;
}

function checkSignature(file: string, hex: string, keyFile: string): void {
  const key = ed25519Key(keyFile, 'public');
  const sigFile = signatureFile(file);
  if (!existsSync(sigFile))
    throw new UserError(
      `${file}: --verify-key was given but there is no ${basename(sigFile)} beside it`,
      'export with --sign-key, and copy the .sig file along',
    );
  const sig = Buffer.from(readFileSync(sigFile, 'utf8').trim(), 'base64');
  if (sig.length !== 64 || !verify(null, Buffer.from(SIGNED_PREFIX + hex), key, sig)) {
    throw new UserError(
      `${file}: the signature in ${basename(sigFile)} does not verify with ${keyFile}`,
      'the export was altered or signed with another key; do not import it',
    );
  }
}

/** Schema, integrity and version of the copy about to be installed. */
function checkDatabase(file: string, copy: string): void {
  let check: Database.Database;
  try {
    check = new Database(copy, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new UserError(`${file}: not a customs database (${errorMessage(e)})`);
  }
  try {
    let diff: string[];
    try {
      check.pragma('trusted_schema = OFF');
      diff = schemaDifferences(check);
    } catch (e) {
      throw new UserError(`${file}: not a customs database (${errorMessage(e)})`);
    }
    if (diff.length)
      throw new UserError(
        `${file}: refused: not the layout of a customs database: ${diff.slice(0, 5).join('; ')}`,
        'import only files written by `customs db export`',
      );
    let ok: unknown;
    try {
      ok = check.pragma(`integrity_check(${INTEGRITY_ERRORS})`, { simple: true });
    } catch (e) {
      throw new UserError(`${file}: not a customs database (${errorMessage(e)})`);
    }
    if (ok !== 'ok')
      throw new UserError(`${file}: the database is damaged (${String(ok).slice(0, 500)})`, 'export it again');
    const v = (() => {
      try {
        return (
          check.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined
        )?.value;
      } catch {
        return undefined;
      }
    })();
    if (Number(v) !== SCHEMA_VERSION)
      throw new UserError(
        `${file}: schema version ${v ?? 'none'}, this customs reads ${SCHEMA_VERSION}`,
        'export it with the same customs version',
      );
  } finally {
    check.close();
  }
}

export async function importDb(cacheDir: string, file: string, opts: ImportOptions = {}): Promise<DbStatus> {
  if (!existsSync(file)) throw new UserError(`${file}: no such file`);
  ensurePrivateDir(dbDir(cacheDir));
  const tmp = join(dbDir(cacheDir), `customs.db.tmp-${process.pid}`);
  try {
    claimFreshFile(tmp); // the name is predictable: a symlink planted there must not be followed
    copyFileSync(file, tmp);
    // Every check reads the copy, so what is checked is what is installed.
    const hex = await sha256Of(tmp);
    const promised = promisedDigest(file);
    if (hex !== promised)
      throw new UserError(
        `${file}: digest mismatch (the file hashes to sha256:${hex.slice(0, 16)}…, ${basename(digestFile(file))} says sha256:${promised.slice(0, 16)}…)`,
        'the copy is damaged or was altered; export it again',
      );
    if (opts.verifyKeyFile) checkSignature(file, hex, opts.verifyKeyFile);
    else if (existsSync(signatureFile(file)))
      opts.warn?.(
        `${file}: ${basename(signatureFile(file))} was not checked; pass --verify-key PUBLIC.pem to check who made the export`,
      );
    checkDatabase(file, tmp);
    renameSync(tmp, dbPath(cacheDir));
  } finally {
    rmSync(tmp, { force: true });
  }
  const db = new VulnDb(dbPath(cacheDir));
  try {
    return db.status();
  } finally {
    db.close();
  }
}
