/**
 * Where registry credentials come from, first match wins: flags, env
 * (`CUSTOMS_USERNAME`/`CUSTOMS_PASSWORD`, or Trivy's `TRIVY_*` names),
 * docker's config.json `auths`, then `credHelpers`/`credsStore` helpers.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { lazyRequire } from '../../util/lazy-require.js';
import type { Logger } from '../../util/log.js';

const childProcess = lazyRequire<typeof import('node:child_process')>('node:child_process');

export interface Credentials { username: string; password: string }

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export interface CredentialOptions { username?: string; password?: string; dockerConfigPath?: string; logger?: Logger }

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
  const r = childProcess().spawnSync(`docker-credential-${helper}`, ['get'], { input: serverUrl, encoding: 'utf8', timeout: 15_000 });
  if (r.error) { logger?.warn(`credential helper docker-credential-${helper} could not run: ${r.error.message}`); return undefined; }
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
  if (opts.username !== undefined || opts.password !== undefined) return { username: opts.username ?? '', password: opts.password ?? '' };
  const envUser = process.env['CUSTOMS_USERNAME'] ?? process.env['TRIVY_USERNAME'];
  const envPass = process.env['CUSTOMS_PASSWORD'] ?? process.env['TRIVY_PASSWORD'];
  if (envUser !== undefined || envPass !== undefined) return { username: envUser ?? '', password: envPass ?? '' };
  let config: DockerConfig;
  try { config = JSON.parse(readFileSync(dockerConfigPath(opts), 'utf8')) as DockerConfig; } catch { return undefined; }
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
  const helper = keysFor(host).map((k) => config.credHelpers?.[k]).find(Boolean) ?? config.credsStore;
  return helper ? fromHelper(helper, host, opts.logger) : undefined;
}
