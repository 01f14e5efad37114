/**
 * The secret analyzer: reads text files that are not allow-listed (package
 * managers' own trees, docs, test fixtures, source maps) and reports
 * credentials, masked. Binary files are skipped by a NUL-byte check.
 */
import type { Analyzer } from '../types.js';
import { MiB } from '../types.js';
import { builtinRules } from './rules.js';
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

const compiled = compileRules(builtinRules);
const BINARY_PROBE = 8000;

export function isBinary(content: Buffer): boolean {
  return content.subarray(0, BINARY_PROBE).includes(0);
}

export const secretAnalyzer: Analyzer = {
  name: 'secret',
  version: 1,
  maxFileSize: 5 * MiB,
  required(path, info) {
    if (info.size === 0 || info.size > this.maxFileSize) return false;
    return !ALLOWED_SECRET_PATHS.some((re) => re.test(path));
  },
  analyze(file) {
    if (isBinary(file.content)) return undefined;
    const hits: SecretHit[] = scanText(file.content.toString('utf8'), compiled);
    return hits.length ? { extra: { secrets: hits } } : undefined;
  },
};
