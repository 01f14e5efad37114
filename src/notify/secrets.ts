/**
 * Secrets of the notification channels and hand-off providers (webhook
 * URLs, tokens, SMTP passwords). They never sit in the YAML in clear: a
 * secret key `X` is read from the file named by `X_file`, else from the
 * environment variable named by `X_env`, else from its documented default
 * variable (`CUSTOMS_SLACK_WEBHOOK_URL`…). Every value read is registered
 * with a Redactor, through which every log line and error message of this
 * layer passes, so a value can leave only in the request that needs it.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { UserError } from '../util/errors.js';

/** Where one secret comes from: a file, else a named environment variable. */
export interface SecretRef {
  /** The key's path in the config, for messages (`notifications.channels.slack.webhook_url`). */
  key: string;
  env: string;
  file?: string;
}

const MAX_SECRET_FILE = 64 * 1024;

/** Replaces every known secret value (and its URL-encoded form) in text with `***`. */
export class Redactor {
  private readonly values = new Set<string>();

  add(value: string): void {
    // Very short values would mask ordinary words; no real token or URL is this short.
    if (value.length < 4) return;
    this.values.add(value);
    const encoded = encodeURIComponent(value);
    if (encoded !== value) this.values.add(encoded);
    // A URL's password is a secret on its own: errors may print the URL without it, or it without the URL.
    try {
      const u = new URL(value);
      if (u.password) this.add(decodeURIComponent(u.password));
      if (u.password) this.values.add(u.password);
    } catch {
      /* not a URL */
    }
  }

  mask(text: string): string {
    let out = text;
    // Longest first, so a URL is masked whole before the password inside it.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) out = out.split(v).join('***');
    return out;
  }

  /** An Error whose message is masked (the original's message may quote a URL or a header). */
  error(e: unknown, prefix = ''): Error {
    const message = this.mask(`${prefix}${e instanceof Error ? e.message : String(e)}`);
    const cause = e instanceof Error && e.cause instanceof Error ? this.mask(`: ${e.cause.message}`) : '';
    return e instanceof UserError ? new UserError(message) : new Error(message + cause);
  }
}

function readSecretFile(ref: SecretRef): string {
  let fd: number;
  try {
    fd = openSync(ref.file!, 'r');
  } catch (e) {
    throw new UserError(
      `${ref.key}_file: cannot read ${ref.file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      'name a readable file holding only the secret',
    );
  }
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_SECRET_FILE)
      throw new UserError(`${ref.key}_file: ${ref.file} is ${size} bytes`, 'a secret file holds only the secret');
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off).toString('utf8').trim();
  } finally {
    closeSync(fd);
  }
}

/** The secret's value, registered with the redactor; undefined when neither its file nor its variable is set. */
export function readSecret(ref: SecretRef, redactor: Redactor, env: NodeJS.ProcessEnv): string | undefined {
  const value = ref.file !== undefined ? readSecretFile(ref) : env[ref.env]?.trim();
  if (!value) return undefined;
  redactor.add(value);
  return value;
}

/** Where a missing secret is looked for, for the message that says how to provide it. */
export function secretSources(ref: SecretRef): string {
  return ref.file !== undefined ? `the file ${ref.file} (${ref.key}_file)` : `the environment variable ${ref.env}`;
}
