/**
 * The secret analyzer: reads text files that are not allow-listed (package
 * managers' own trees, docs, test fixtures, source maps) and reports
 * credentials, masked. Binary files are skipped by a NUL-byte check.
 */
import type { Analyzer } from '../types.js';
import type { AnalyzerOutput } from '../../model/facts.js';
import { MiB } from '../types.js';
import type { SecretConfig } from './config-file.js';
import { SecretMatcher, timedOutWarning } from './matcher.js';
import { hitsOf, type SecretHit } from './scan-text.js';

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
export interface SecretStats {
  files: number;
  ms: number;
}

/**
 * The secret analyzer for a rule set (built-in rules, or as changed by a
 * `--secret-config` file). Its name carries the config's hash, so layer
 * results cached under one configuration are never reused under another.
 * User regexes run in a worker with a time budget; a file whose budget runs
 * out is skipped with a warning naming the rule.
 */
export function makeSecretAnalyzer(config?: SecretConfig, stats?: SecretStats): Analyzer {
  const matcher = new SecretMatcher(config);
  // The config's allow-rule paths are user regexes: checked in the matcher's worker, after the file is read.
  const done = (t0: number): void => {
    if (stats) {
      stats.files++;
      stats.ms += performance.now() - t0;
    }
  };
  const output = (hits: SecretHit[]): AnalyzerOutput | undefined =>
    hits.length ? { extra: { secrets: hits } } : undefined;
  return {
    name: config ? `secret:${config.hash}` : 'secret',
    version: 2,
    maxFileSize: 5 * MiB,
    required(path, info) {
      if (info.size === 0 || info.size > this.maxFileSize) return false;
      return !ALLOWED_SECRET_PATHS.some((re) => re.test(path));
    },
    analyze(file, ctx) {
      const t0 = performance.now();
      if (isBinary(file.content)) {
        done(t0);
        return undefined;
      }
      const text = file.content.toString('utf8');
      if (!matcher.hasUserRules) {
        try {
          return output(hitsOf(text, matcher.findBuiltin(text)));
        } finally {
          done(t0);
        }
      }
      return matcher.find(text, file.path).then((found) => {
        done(t0);
        if ('timedOut' in found) {
          ctx.warn(timedOutWarning(found.timedOut));
          return undefined;
        }
        return output(hitsOf(text, found));
      });
    },
  };
}

export const secretAnalyzer: Analyzer = makeSecretAnalyzer();
