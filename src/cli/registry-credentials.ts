/**
 * Registry credentials from the command line: `--username`/`--password`,
 * `--password-stdin` (a password in argv is visible to every user in `ps`)
 * and `--registry-auth HOST=USER:PASS` entries scoped to one registry.
 */
import { readSync } from 'node:fs';
import { isatty } from 'node:tty';
import { UserError } from '../util/errors.js';

/** commander's accumulator for a repeatable option. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const MAX_STDIN_PASSWORD = 64 * 1024;

/** All of stdin, bounded, without its final newline (as `docker login --password-stdin` reads it). */
export function readPasswordFromStdin(): string {
  // isatty, not process.stdin.isTTY: touching process.stdin would make the pipe non-blocking.
  if (isatty(0))
    throw new UserError(
      '--password-stdin: stdin is a terminal',
      'pipe the password in: echo "$TOKEN" | customs image … --password-stdin',
    );
  const buf = Buffer.alloc(MAX_STDIN_PASSWORD + 1);
  let n = 0;
  for (;;) {
    let got: number;
    try {
      got = readSync(0, buf, n, buf.length - n, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue; // a non-blocking pipe not yet written to
      if (code === 'EOF') break;
      throw new UserError(`--password-stdin: cannot read stdin (${(e as Error).message})`);
    }
    if (got === 0) break;
    n += got;
    if (n > MAX_STDIN_PASSWORD)
      throw new UserError(`--password-stdin: more than ${MAX_STDIN_PASSWORD} bytes on stdin`, 'pipe only the password');
  }
  const password = buf
    .subarray(0, n)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (!password) throw new UserError('--password-stdin: stdin was empty');
  return password;
}

export interface CredentialFlags {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
  registryAuth?: string[];
}

/** The credential options for the registry client; the stdin password goes where the flags say, nowhere else. */
export function registryCredentials(flags: CredentialFlags): {
  username?: string;
  password?: string;
  registryAuth: string[];
  stdinPassword?: string;
} {
  const registryAuth = flags.registryAuth ?? [];
  if (!flags.passwordStdin) return { username: flags.username, password: flags.password, registryAuth };
  if (flags.password !== undefined)
    throw new UserError(
      '--password and --password-stdin are exclusive',
      'keep --password-stdin: a password in argv is visible in ps',
    );
  const passwordless = registryAuth.some((e) => !e.slice(e.indexOf('=') + 1).includes(':'));
  if (flags.username === undefined && !passwordless)
    throw new UserError('--password-stdin needs --username, or a --registry-auth HOST=USER entry to use it');
  const stdinPassword = readPasswordFromStdin();
  return {
    username: flags.username,
    password: flags.username !== undefined ? stdinPassword : undefined,
    registryAuth,
    stdinPassword,
  };
}
