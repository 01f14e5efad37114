/**
 * The API token: from `--token-file` or CUSTOMS_SERVER_TOKEN, sent as
 * `Authorization: Bearer TOKEN`. Compared in constant time (both sides hashed
 * to equal length first, so neither the content nor the length leaks).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UserError } from '../../util/errors.js';

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

export function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer ([^\s]+)$/i.exec(header ?? '');
  const given = m?.[1] ?? '';
  // Always compare, even when no token was sent: the time does not tell whether one was.
  return timingSafeEqual(digest(given), digest(token)) && given.length > 0;
}

/** The token from a file (first line) or the environment; undefined when neither gives one. */
export function loadToken(file: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = file ? readTokenFile(file) : env['CUSTOMS_SERVER_TOKEN'];
  const token = raw?.split('\n')[0]?.trim();
  if (raw !== undefined && !token)
    throw new UserError(
      `${file ? file : 'CUSTOMS_SERVER_TOKEN'}: the API token is empty`,
      'put the token on its first line',
    );
  if (token && token.length < 16)
    throw new UserError(
      'the API token is shorter than 16 characters',
      'use a long random token, e.g. `openssl rand -hex 32`',
    );
  return token;
}

function readTokenFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new UserError(`--token-file ${file}: cannot read it`, 'give a readable file holding the API token');
  }
}
