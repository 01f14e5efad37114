/**
 * The server's config file (`customs server --config FILE`, YAML). Only what
 * is implemented is accepted: an unknown key is an error that names it, so a
 * typo or a section not supported yet never passes for a setting.
 *
 *   registries:
 *     - host: registry.example.com        # registry host[:port]
 *       repositories: ['team/*']          # globs; expanded through _catalog where allowed
 *       tags: ['v*', 'latest']            # globs (default: every tag)
 *       tag_regex: '^v[0-9]+\.[0-9]+$'    # and/or a regex (at most 256 characters)
 *       poll_interval: 5m                 # default 5m, at least 10s
 *       insecure: false                   # plain HTTP / self-signed TLS on this host only
 *       username_env: REG_USER            # credentials from these environment variables,
 *       password_env: REG_PASS            #   sent to this registry only
 *       docker_config: /root/.docker/config.json   # or from a docker config
 *   webhooks:
 *     dockerhub_secret_env: DOCKERHUB_WEBHOOK_SECRET   # ?secret= on the Docker Hub webhook URL
 *     github_secret_env: GITHUB_WEBHOOK_SECRET         # the GitHub webhook's HMAC secret
 */
import { readFileSync, statSync } from 'node:fs';
import { parseDuration } from '../util/duration.js';
import { UserError } from '../util/errors.js';
import { parseUntrustedYaml } from '../util/untrusted-yaml.js';

export interface WatchedRegistry {
  host: string;
  repositories: string[];
  tags: string[];
  tagRegex?: RegExp;
  pollIntervalMs: number;
  insecure: boolean;
  usernameEnv?: string;
  passwordEnv?: string;
  dockerConfig?: string;
}

export interface ServerConfig {
  registries: WatchedRegistry[];
  /** Secrets, read from the environment variables `webhooks:` names (never written in the file). */
  webhookSecrets: { dockerhub?: string; github?: string };
}

const MAX_CONFIG_BYTES = 1024 * 1024;
const TOP_KEYS = new Set(['registries', 'webhooks']);
const WEBHOOK_KEYS = new Set(['dockerhub_secret_env', 'github_secret_env']);
const REGISTRY_KEYS = new Set([
  'host',
  'repositories',
  'tags',
  'tag_regex',
  'poll_interval',
  'insecure',
  'username_env',
  'password_env',
  'docker_config',
]);
const HOST = /^[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(map: Record<string, unknown>, allowed: Set<string>, where: string): void {
  const unknown = Object.keys(map).filter((k) => !allowed.has(k));
  if (unknown.length)
    throw new UserError(
      `${where}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k.slice(0, 64)}"`).join(', ')}`,
      `the keys accepted here are ${[...allowed].join(', ')}`,
    );
}

function stringList(v: unknown, where: string): string[] {
  if (
    !Array.isArray(v) ||
    v.length === 0 ||
    v.length > 100 ||
    v.some((s) => typeof s !== 'string' || !s || s.length > 256)
  )
    throw new UserError(`${where}: not a list of 1 to 100 non-empty strings`);
  return v as string[];
}

function optionalString(v: unknown, where: string, pattern: RegExp): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !pattern.test(v)) throw new UserError(`${where}: not a valid value`);
  return v;
}

function registryEntry(v: unknown, where: string): WatchedRegistry {
  if (!isMap(v)) throw new UserError(`${where}: not a map`);
  checkKeys(v, REGISTRY_KEYS, where);
  const host = optionalString(v['host'], `${where}.host`, HOST);
  if (!host) throw new UserError(`${where}: "host" is required`, 'name the registry, e.g. host: registry.example.com');
  let tagRegex: RegExp | undefined;
  if (v['tag_regex'] !== undefined) {
    const src = v['tag_regex'];
    if (typeof src !== 'string' || !src || src.length > 256)
      throw new UserError(`${where}.tag_regex: not a regex of 1 to 256 characters`);
    // A quantified group holding a quantifier backtracks exponentially, even on a 128-character tag.
    if (/\([^)]*[*+}][^)]*\)[*+{?]/.test(src))
      throw new UserError(
        `${where}.tag_regex: a repeated group holding a repetition (like (a+)+) is refused`,
        'write the regex without nested repetition, or use tag globs',
      );
    try {
      tagRegex = new RegExp(src);
    } catch (e) {
      throw new UserError(`${where}.tag_regex: ${(e as Error).message}`);
    }
  }
  let pollIntervalMs = 5 * 60_000;
  const interval = v['poll_interval'];
  if (interval !== undefined) {
    if (typeof interval !== 'string') throw new UserError(`${where}.poll_interval: not a duration like 5m`);
    pollIntervalMs = parseDuration(interval, `${where}.poll_interval`);
    if (pollIntervalMs < 10_000) throw new UserError(`${where}.poll_interval: less than 10s`, 'poll at most every 10s');
  }
  const insecure = v['insecure'] ?? false;
  if (typeof insecure !== 'boolean') throw new UserError(`${where}.insecure: not true or false`);
  const usernameEnv = optionalString(v['username_env'], `${where}.username_env`, ENV_NAME);
  const passwordEnv = optionalString(v['password_env'], `${where}.password_env`, ENV_NAME);
  if (!usernameEnv !== !passwordEnv)
    throw new UserError(`${where}: username_env and password_env go together`, 'give both, or neither');
  const dockerConfig = v['docker_config'];
  if (dockerConfig !== undefined && (typeof dockerConfig !== 'string' || !dockerConfig))
    throw new UserError(`${where}.docker_config: not a file path`);
  return {
    host,
    repositories: stringList(v['repositories'], `${where}.repositories`),
    tags: v['tags'] === undefined ? [] : stringList(v['tags'], `${where}.tags`),
    ...(tagRegex ? { tagRegex } : {}),
    pollIntervalMs,
    insecure,
    ...(usernameEnv ? { usernameEnv, passwordEnv } : {}),
    ...(dockerConfig ? { dockerConfig } : {}),
  };
}

function webhookSecrets(v: unknown, where: string, env: NodeJS.ProcessEnv): ServerConfig['webhookSecrets'] {
  if (v === undefined) return {};
  if (!isMap(v)) throw new UserError(`${where}: not a map`);
  checkKeys(v, WEBHOOK_KEYS, where);
  const secret = (key: string): string | undefined => {
    const name = optionalString(v[key], `${where}.${key}`, ENV_NAME);
    if (!name) return undefined;
    const value = env[name];
    if (!value || value.length < 16)
      throw new UserError(
        `${where}.${key}: the environment variable ${name} is unset or shorter than 16 characters`,
        'set it to a long random secret, e.g. `openssl rand -hex 32`',
      );
    return value;
  };
  const dockerhub = secret('dockerhub_secret_env');
  const github = secret('github_secret_env');
  return { ...(dockerhub ? { dockerhub } : {}), ...(github ? { github } : {}) };
}

export function parseServerConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  let doc: unknown;
  try {
    doc = parseUntrustedYaml(text);
  } catch (e) {
    throw new UserError(`${file}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (doc === null || doc === undefined) return { registries: [], webhookSecrets: {} };
  if (!isMap(doc)) throw new UserError(`${file}: the config is not a map of sections`);
  checkKeys(doc, TOP_KEYS, file);
  const regs = doc['registries'] ?? [];
  if (!Array.isArray(regs) || regs.length > 100) throw new UserError(`${file}: registries: not a list of at most 100`);
  return {
    registries: regs.map((r, i) => registryEntry(r, `${file}: registries[${i}]`)),
    webhookSecrets: webhookSecrets(doc['webhooks'], `${file}: webhooks`, env),
  };
}

/** Reads and checks the config file before the server starts anything. */
export function loadServerConfig(file: string): ServerConfig {
  let text: string;
  try {
    if (statSync(file).size > MAX_CONFIG_BYTES) throw new UserError(`${file}: larger than 1 MiB`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`--config ${file}: cannot read it`, 'give a readable YAML file');
  }
  return parseServerConfig(text, file);
}
