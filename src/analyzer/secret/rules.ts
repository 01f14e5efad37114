/**
 * Built-in secret rules: the credentials teams really leak. Each rule has
 * keywords (a cheap case-insensitive prefilter run on the raw bytes before
 * any regex) and a regex whose `secret` group is the part to mask.
 * Every rule runs in time linear in the text (test/hostile/secret-rules-
 * linear.test.ts feeds each its worst case): regexes have no two quantifiers
 * that can take the same characters unboundedly, and a shape a regex cannot
 * say without them (a PEM block: BEGIN, body, END) is found with indexOf.
 */
import type { Severity } from '../../model/report.js';
import { findPrivateKeys } from './pem.js';
import type { RawSecret } from './raw-secret.js';

export interface SecretRule {
  id: string;
  category: string;
  title: string;
  severity: Severity;
  /** Lower-case; a file is searched only when it contains one. */
  keywords: string[];
  /** Must contain a named group `secret`. Global flag is added by the scanner. Exactly one of `regex` and `find`. */
  regex?: RegExp;
  /** For shapes no linear regex can say: every candidate in the text, in order. */
  find?: (text: string) => Iterable<RawSecret>;
  /** Minimum Shannon entropy (bits/char) of the secret, to skip placeholders. */
  minEntropy?: number;
  /** Values that are examples or placeholders, never real. */
  allow?: RegExp;
}

const q = `["']?`; // optional quote around assignments

export const builtinRules: SecretRule[] = [
  {
    id: 'aws-access-key-id',
    category: 'AWS',
    title: 'AWS Access Key ID',
    severity: 'CRITICAL',
    keywords: ['akia', 'asia', 'abia', 'acca'],
    regex: /(?<![A-Z0-9])(?<secret>(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Z0-9])/,
    allow: /EXAMPLE/,
  },
  {
    id: 'aws-secret-access-key',
    category: 'AWS',
    title: 'AWS Secret Access Key',
    severity: 'CRITICAL',
    keywords: ['aws_secret', 'aws-secret', 'awssecret', 'secret_access_key', 'secretaccesskey'],
    regex:
      /(?:aws_?secret_?access_?key|aws-secret-access-key|awsSecretAccessKey|AWS_SECRET_ACCESS_KEY|SecretAccessKey)["']?\s{0,5}[:=]{1,2}>?\s{0,5}["']?(?<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/i,
    minEntropy: 3.5,
    allow: /EXAMPLEKEY/,
  },
  {
    id: 'github-pat',
    category: 'GitHub',
    title: 'GitHub Personal Access Token',
    severity: 'CRITICAL',
    keywords: ['ghp_'],
    regex: /(?<secret>ghp_[0-9A-Za-z]{36})(?![0-9A-Za-z])/,
  },
  {
    id: 'github-fine-grained-pat',
    category: 'GitHub',
    title: 'GitHub Fine-grained Personal Access Token',
    severity: 'CRITICAL',
    keywords: ['github_pat_'],
    regex: /(?<secret>github_pat_[0-9A-Za-z_]{82})(?![0-9A-Za-z_])/,
  },
  {
    id: 'github-oauth',
    category: 'GitHub',
    title: 'GitHub OAuth Access Token',
    severity: 'CRITICAL',
    keywords: ['gho_'],
    regex: /(?<secret>gho_[0-9A-Za-z]{36})(?![0-9A-Za-z])/,
  },
  {
    id: 'github-app-token',
    category: 'GitHub',
    title: 'GitHub App Token',
    severity: 'CRITICAL',
    keywords: ['ghu_', 'ghs_'],
    regex: /(?<secret>(?:ghu|ghs)_[0-9A-Za-z]{36})(?![0-9A-Za-z])/,
  },
  {
    id: 'github-refresh-token',
    category: 'GitHub',
    title: 'GitHub Refresh Token',
    severity: 'CRITICAL',
    keywords: ['ghr_'],
    regex: /(?<secret>ghr_[0-9A-Za-z]{36,76})(?![0-9A-Za-z])/,
  },
  {
    id: 'gitlab-pat',
    category: 'GitLab',
    title: 'GitLab Personal Access Token',
    severity: 'CRITICAL',
    keywords: ['glpat-'],
    regex: /(?<secret>glpat-[0-9A-Za-z_-]{20})(?![0-9A-Za-z_-])/,
  },
  {
    id: 'gitlab-runner-token',
    category: 'GitLab',
    title: 'GitLab Runner Registration Token',
    severity: 'HIGH',
    keywords: ['glrt-', 'gr1348941'],
    regex: /(?<secret>(?:glrt-|GR1348941)[0-9A-Za-z_-]{20})(?![0-9A-Za-z_-])/,
  },
  {
    id: 'npm-access-token',
    category: 'npm',
    title: 'npm Access Token',
    severity: 'CRITICAL',
    keywords: ['npm_'],
    regex: /(?<![0-9A-Za-z_])(?<secret>npm_[0-9A-Za-z]{36})(?![0-9A-Za-z])/,
  },
  {
    id: 'npmrc-auth-token',
    category: 'npm',
    title: 'npm registry auth token in .npmrc',
    severity: 'CRITICAL',
    keywords: ['_authtoken', '_auth', '_password'],
    // npmrc keys stand at the start of a line or after a registry scope (`//host/:_authToken=`).
    regex: /(?:^|:)(?:_authToken|_auth|_password)\s{0,5}=\s{0,5}["']?(?<secret>[^\s"'$]{8,})/m,
    allow: /^\$\{/,
  },
  {
    id: 'pypi-upload-token',
    category: 'PyPI',
    title: 'PyPI upload token',
    severity: 'HIGH',
    keywords: ['pypi-ageicHlwaS5vcmc'.toLowerCase()],
    regex: /(?<secret>pypi-AgEIcHlwaS5vcmc[0-9A-Za-z_-]{50,})/,
  },
  {
    id: 'slack-token',
    category: 'Slack',
    title: 'Slack token',
    severity: 'HIGH',
    keywords: ['xoxb-', 'xoxa-', 'xoxp-', 'xoxr-', 'xoxs-', 'xoxe-'],
    regex: /(?<secret>xox[baprse]-[0-9A-Za-z-]{10,72})/,
  },
  {
    id: 'slack-webhook-url',
    category: 'Slack',
    title: 'Slack Webhook',
    severity: 'MEDIUM',
    keywords: ['hooks.slack.com'],
    regex: /https:\/\/hooks\.slack\.com\/(?:services|workflows)\/(?<secret>[A-Za-z0-9+/]{40,60})/,
  },
  {
    id: 'stripe-secret-key',
    category: 'Stripe',
    title: 'Stripe secret key',
    severity: 'CRITICAL',
    keywords: ['sk_live_', 'rk_live_', 'sk_test_'],
    regex: /(?<secret>(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{24,99})/,
  },
  {
    id: 'google-api-key',
    category: 'Google',
    title: 'Google API key',
    severity: 'HIGH',
    keywords: ['aiza'],
    regex: /(?<secret>AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/,
  },
  {
    id: 'gcp-service-account',
    category: 'Google',
    title: 'Google Cloud service-account key',
    severity: 'CRITICAL',
    keywords: ['"service_account"'],
    regex: /"type"\s{0,5}:\s{0,5}"(?<secret>service_account)"/,
  },
  {
    id: 'azure-storage-account-key',
    category: 'Azure',
    title: 'Azure Storage account key',
    severity: 'CRITICAL',
    keywords: ['accountkey='],
    regex: /AccountKey=(?<secret>[A-Za-z0-9+/]{86}==)/,
  },
  {
    id: 'private-key',
    category: 'AsymmetricPrivateKey',
    title: 'Asymmetric Private Key',
    severity: 'HIGH',
    keywords: ['private key'],
    // Was one regex whose body and whitespace quantifiers overlapped: 10,000 spaces after a BEGIN line took minutes.
    find: findPrivateKeys,
  },
  {
    id: 'jwt-token',
    category: 'JWT',
    title: 'JSON Web Token',
    severity: 'MEDIUM',
    keywords: ['eyj'],
    regex: /(?<![0-9A-Za-z_-])(?<secret>eyJ[0-9A-Za-z_-]{10,}\.eyJ[0-9A-Za-z_-]{10,}\.[0-9A-Za-z_-]{10,})/,
  },
  {
    id: 'connection-string-password',
    category: 'Credentials',
    title: 'Password in a connection URL',
    severity: 'HIGH',
    keywords: ['://'],
    regex:
      /\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|jdbc:[a-z]+):\/\/[^\s:@/"']{1,64}:(?<secret>[^\s@/"']{4,128})@[^\s"']+/,
    allow: /^(?:\$\{?[A-Za-z_]+\}?|password|pass|changeme|\*+|<[^>]*>|x+)$/i,
  },
  {
    id: 'generic-password',
    category: 'Credentials',
    title: 'Password assignment',
    severity: 'HIGH',
    keywords: ['password', 'passwd'],
    // The value is a literal, not code: no sigils, calls or brackets (`$pwd=cwd()`, `my @passwd = getpw…`).
    // The key's prefix (`db_`, `app.`) is checked by a lookbehind after the keyword, so only a keyword
    // starts the work: a leading `[A-Za-z0-9_.-]{0,40}` (or a leading lookbehind) cost 40 steps at every
    // character of a long run.
    regex: new RegExp(
      `(?:password|passwd)(?<=(?:^|[^A-Za-z0-9$@%])[A-Za-z0-9_.-]{0,40}(?:password|passwd))${q}\\s{0,5}[:=]\\s{0,5}${q}(?<secret>[^\\s"'\`,;$@%&(){}\\[\\]<>]{8,128})(?![(\\w])`,
      'i',
    ),
    minEntropy: 3,
    allow:
      /^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%\(?[a-z_]+\)?s?|\{\{.*\}\}|<[^>]*>|\*+|x+|(?:your|my|the)?_?password_?(?:here)?|changeme|null|none|true|false|undefined|required|os\.environ.*|process\.env.*|getenv.*)$/i,
  },
];
