/**
 * The secret analyzer: reads text files that are not allow-listed (package
 * managers' own trees, docs, test fixtures, source maps) and reports
 * credentials, masked. Binary files are skipped by a NUL-byte check.
 */
import type { Analyzer } from '../types.js';
import { MiB } from '../types.js';
import { builtinRules, type SecretRule } from './rules.js';
import { applySecretConfig, type SecretConfig } from './config-file.js';
import { compileRules, scanText, type SecretHit } from './scan-text.js';

/**
 * Paths where credentials are almost always examples or vendored code: the
 * distribution's own trees, language package stores, docs and tests.
 * Matched against the image path (no leading slash).
 */
export const ALLOWED_SECRET_PATHS: RegExp[] = [
  /^usr\/(?:share|include|lib|lib64|libexec|src)\//,
  /^(?:usr\/)?lib\/(?:modules|firmware)\//,
  /^var\/lib\/(?:dpkg|apt|rpm|apk)\//,
  /^lib\/apk\/db\//,
  /(?:^|\/)node_modules\//,
  /(?:^|\/)(?:site|dist)-packages\//,
  /(?:^|\/)(?:gems|specifications)\/[^/]+\//,
  /(?:^|\/)vendor\//,
  /(?:^|\/)\.git\//,
  /(?:^|\/)(?:tests?|testdata|spec|fixtures?|examples?)\//i,
  /\.(?:map|md|rst|html?|css|svg|po|mo|pyc|class|jar|so(?:\.[0-9.]+)?|a|o|gz|zip|xz|bz2|zst|png|jpe?g|gif|ico|woff2?|ttf|otf|pdf)$/i,
  /(?:^|\/)go\/pkg\/mod\//,
  /^(?:proc|sys|dev)\//,
];

const BINARY_PROBE = 8000;

export function isBinary(content: Buffer): boolean {
  return content.subarray(0, BINARY_PROBE).includes(0);
}

/** Per-scan counters for `--debug`: how many files the secret scanner read and the time it spent. */
export interface SecretStats { files: number; ms: number }

/**
 * The secret analyzer for a rule set (built-in rules, or as changed by a
 * `--secret-config` file). Its name carries the config's hash, so layer
 * results cached under one configuration are never reused under another.
 */
export function makeSecretAnalyzer(config?: SecretConfig, stats?: SecretStats): Analyzer {
  // Allow-rule regexes see the clear value, like each rule's own `allow`.
  const allowAlso = (r: SecretRule): SecretRule => (config?.allowMatches.length
    ? { ...r, allow: new RegExp([r.allow?.source, ...config.allowMatches.map((a) => a.source)].filter(Boolean).map((x) => `(?:${x})`).join('|')) }
    : r);
  const rules = (config ? applySecretConfig(builtinRules, config) : builtinRules).map(allowAlso);
  const compiled = compileRules(rules);
  const allowPaths = [...ALLOWED_SECRET_PATHS, ...(config?.allowPaths ?? [])];
  return {
    name: config ? `secret:${config.hash}` : 'secret',
    version: 1,
    maxFileSize: 5 * MiB,
    required(path, info) {
      if (info.size === 0 || info.size > this.maxFileSize) return false;
      return !allowPaths.some((re) => re.test(path));
    },
    analyze(file) {
      const t0 = performance.now();
      try {
        if (isBinary(file.content)) return undefined;
        const hits: SecretHit[] = scanText(file.content.toString('utf8'), compiled);
        return hits.length ? { extra: { secrets: hits } } : undefined;
      } finally {
        if (stats) { stats.files++; stats.ms += performance.now() - t0; }
      }
    },
  };
}

export const secretAnalyzer: Analyzer = makeSecretAnalyzer();
