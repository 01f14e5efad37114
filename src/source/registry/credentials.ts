/**
 * Where registry credentials come from, first match wins: entries scoped to
 * a registry (`--registry-auth HOST=USER:PASS`, env `CUSTOMS_REGISTRY_AUTH`,
 * one entry a line), the unscoped flags, env (`CUSTOMS_USERNAME`/
 * `CUSTOMS_PASSWORD`, or Trivy's `TRIVY_*` names), docker's config.json
 * `auths`, then `credHelpers`/`credsStore` helpers. A scoped entry is never
 * used for another registry.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { lazyRequire } from '../../util/lazy-require.js';
import { UserError } from '../../util/errors.js';
import type { Logger } from '../../util/log.js';

const childProcess = lazyRequire<typeof import('node:child_process')>('node:child_process');

export interface Credentials {
  username: string;
  password: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export interface CredentialOptions {
  username?: string;
  password?: string;
  /** `HOST=USER:PASS` (or `HOST=USER`, with `stdinPassword`), each for that registry only. */
  registryAuth?: string[];
  /** The password `--password-stdin` read, for password-less `registryAuth` entries. */
  stdinPassword?: string;
  dockerConfigPath?: string;
  logger?: Logger;
}

/** A registry host as docker and users write it: a URL's host, Docker Hub's aliases as one. */
export function normalizeRegistryHost(text: string): string {
  const host = text
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
  return host === 'docker.io' || host === 'registry-1.docker.io' ? 'index.docker.io' : host;
}

export interface ScopedCredentials extends Credentials {
  host: string;
}

/** Parses `--registry-auth` entries; a password-less entry takes `stdinPassword`. Errors never echo the secret part. */
export function parseRegistryAuth(entries: string[], stdinPassword: string | undefined): ScopedCredentials[] {
  return entries.map((entry, i) => {
    const eq = entry.indexOf('=');
    const host = eq > 0 ? normalizeRegistryHost(entry.slice(0, eq)) : '';
    if (!host)
      throw new UserError(
        `--registry-auth entry ${i + 1}: expected HOST=USER:PASSWORD`,
        'for example --registry-auth ghcr.io=me:$TOKEN, or HOST=USER with --password-stdin',
      );
    const rest = entry.slice(eq + 1);
    const colon = rest.indexOf(':');
    if (colon < 0) {
      if (stdinPassword === undefined)
        throw new UserError(
          `--registry-auth ${host}: no password`,
          'write HOST=USER:PASSWORD, or pass the password with --password-stdin',
        );
      return { host, username: rest, password: stdinPassword };
    }
    return { host, username: rest.slice(0, colon), password: rest.slice(colon + 1) };
  });
}

/** Scoped entries from the flag, then from `CUSTOMS_REGISTRY_AUTH` (one per line, so passwords may hold spaces and commas). */
function scopedEntries(opts: CredentialOptions): ScopedCredentials[] {
  const env = (process.env['CUSTOMS_REGISTRY_AUTH'] ?? '').split(/\r?\n/).filter((l) => l.trim());
  return parseRegistryAuth([...(opts.registryAuth ?? []), ...env], opts.stdinPassword);
}

function dockerConfigPath(opts: CredentialOptions): string {
  if (opts.dockerConfigPath) return opts.dockerConfigPath;
  const dir = process.env['DOCKER_CONFIG'] ?? join(homedir(), '.docker');
  return join(dir, 'config.json');
}

/** The keys docker writes for a registry host. */
function keysFor(host: string): string[] {
  const hub = host === 'index.docker.io' || host === 'registry-1.docker.io' || host === 'docker.io';
  const keys = [host, `https://${host}`, `http://${host}`, `https://${host}/v1/`, `https://${host}/v2/`];
  if (hub) keys.push('https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io');
  return keys;
}

function fromHelper(helper: string, host: string, logger?: Logger): Credentials | undefined {
  if (!/^[A-Za-z0-9_.-]+$/.test(helper)) return undefined;
  const serverUrl = host === 'index.docker.io' ? 'https://index.docker.io/v1/' : host;
  const r = childProcess().spawnSync(`docker-credential-${helper}`, ['get'], {
    input: serverUrl,
    encoding: 'utf8',
    timeout: 15_000,
  });
  if (r.error) {
    logger?.warn(`credential helper docker-credential-${helper} could not run: ${r.error.message}`);
    return undefined;
  }
  if (r.status !== 0) return undefined; // "credentials not found" is normal
  try {
    const j = JSON.parse(r.stdout) as { Username?: string; Secret?: string };
    return j.Secret ? { username: j.Username ?? '', password: j.Secret } : undefined;
  } catch {
    logger?.warn(`credential helper docker-credential-${helper} printed something that is not JSON`);
    return undefined;
  }
}

export function findCredentials(host: string, opts: CredentialOptions): Credentials | undefined {
  const wanted = normalizeRegistryHost(host);
  const scoped = scopedEntries(opts).find((c) => c.host === wanted);
  if (scoped) return { username: scoped.username, password: scoped.password };
  if (opts.username !== undefined || opts.password !== undefined)
    return { username: opts.username ?? '', password: opts.password ?? '' };
  const envUser = process.env['CUSTOMS_USERNAME'] ?? process.env['TRIVY_USERNAME'];
  const envPass = process.env['CUSTOMS_PASSWORD'] ?? process.env['TRIVY_PASSWORD'];
  if (envUser !== undefined || envPass !== undefined) return { username: envUser ?? '', password: envPass ?? '' };
  let config: DockerConfig;
  try {
    config = JSON.parse(readFileSync(dockerConfigPath(opts), 'utf8')) as DockerConfig;
  } catch {
    return undefined;
  }
  for (const key of keysFor(host)) {
    const a = config.auths?.[key];
    if (!a) continue;
    if (a.auth) {
      const decoded = Buffer.from(a.auth, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i > 0) return { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
    }
    if (a.username && a.password) return { username: a.username, password: a.password };
    if (a.identitytoken) return { username: '<token>', password: a.identitytoken };
  }
  const helper =
    keysFor(host)
      .map((k) => config.credHelpers?.[k])
      .find(Boolean) ?? config.credsStore;
  return helper ? fromHelper(helper, host, opts.logger) : undefined;
}
