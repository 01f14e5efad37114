/**
 * The worst inputs for each built-in secret rule: many prefixes, long runs
 * of the characters its quantifiers accept, matches that never terminate.
 * Each is about `bytes` long. A rule added without worst cases here fails
 * test/hostile/secret-rules-linear.test.ts, which times every one.
 */

/** `unit` repeated to about `bytes`. */
const rep = (unit: string, bytes: number): string => unit.repeat(Math.max(1, Math.ceil(bytes / unit.length)));
/** `prefix` then one run of `ch` to about `bytes`. */
const run = (prefix: string, ch: string, bytes: number): string =>
  prefix + ch.repeat(Math.max(1, bytes - prefix.length));

type Maker = (bytes: number) => string;

export const SECRET_WORST_CASES: Record<string, Record<string, Maker>> = {
  'aws-access-key-id': {
    'AKIA repeated': (n) => rep('AKIA', n),
    'AKIA then one long run': (n) => run('AKIA', 'A', n),
    'almost keys': (n) => rep('AKIA' + 'A'.repeat(15) + ' ', n),
  },
  'aws-secret-access-key': {
    'key names repeated': (n) => rep('aws_secret_access_key', n),
    'name, separators and too long a value': (n) =>
      rep(`AWS_SECRET_ACCESS_KEY"${' '.repeat(5)}::>${' '.repeat(5)}"${'A'.repeat(41)}`, n),
    'name then one long run': (n) => run('aws_secret_access_key=', 'A', n),
    'name then whitespace': (n) => run('SecretAccessKey', ' ', n),
  },
  'github-pat': { 'prefix repeated': (n) => rep('ghp_', n), 'prefix then long run': (n) => run('ghp_', 'a', n) },
  'github-fine-grained-pat': {
    'prefix repeated': (n) => rep('github_pat_', n),
    'prefix then long run': (n) => run('github_pat_', '_', n),
  },
  'github-oauth': { 'prefix repeated': (n) => rep('gho_', n), 'prefix then long run': (n) => run('gho_', 'a', n) },
  'github-app-token': { 'prefix repeated': (n) => rep('ghs_', n), 'prefix then long run': (n) => run('ghu_', 'a', n) },
  'github-refresh-token': {
    'prefix repeated': (n) => rep('ghr_', n),
    'prefix then long run': (n) => run('ghr_', 'a', n),
    'too long by one': (n) => rep(`ghr_${'a'.repeat(77)} `, n),
  },
  'gitlab-pat': { 'prefix repeated': (n) => rep('glpat-', n), 'prefix then long run': (n) => run('glpat-', '-', n) },
  'gitlab-runner-token': {
    'prefix repeated': (n) => rep('glrt-', n),
    'prefix then long run': (n) => run('GR1348941', '_', n),
  },
  'npm-access-token': { 'prefix repeated': (n) => rep('npm_', n), 'prefix then long run': (n) => run('npm_', 'a', n) },
  'npmrc-auth-token': {
    'keys repeated': (n) => rep(':_authToken=', n),
    'key then whitespace': (n) => run('_authToken', ' ', n),
    'key then one long value': (n) => run(':_authToken=', 'a', n),
    'lines of short values': (n) => rep('_auth = "abc\n', n),
  },
  'pypi-upload-token': {
    'prefix repeated': (n) => rep('pypi-AgEIcHlwaS5vcmc', n),
    'prefix then long run': (n) => run('pypi-AgEIcHlwaS5vcmc', '-', n),
  },
  'slack-token': { 'prefix repeated': (n) => rep('xoxb-', n), 'prefix then long run': (n) => run('xoxp-', '-', n) },
  'slack-webhook-url': {
    'URL repeated': (n) => rep('https://hooks.slack.com/services/', n),
    'URL then long run': (n) => run('https://hooks.slack.com/services/', 'A', n),
  },
  'stripe-secret-key': {
    'prefix repeated': (n) => rep('sk_live_', n),
    'prefix then long run': (n) => run('sk_test_', 'a', n),
  },
  'google-api-key': { 'prefix repeated': (n) => rep('AIza', n), 'prefix then long run': (n) => run('AIza', '-', n) },
  'gcp-service-account': {
    'keys repeated': (n) => '"service_account"' + rep(`"type"${' '.repeat(5)}:${' '.repeat(5)}"service_account`, n),
    'key then whitespace': (n) => run('"service_account" "type"', ' ', n),
  },
  'azure-storage-account-key': {
    'prefix repeated': (n) => rep('AccountKey=', n),
    'prefix then long run': (n) => run('AccountKey=', 'A', n),
  },
  'private-key': {
    // The two attacks of issue 22: 10,000 spaces after a BEGIN line took 162 s under the old regex.
    'BEGIN then whitespace': (n) => run('-----BEGIN RSA PRIVATE KEY-----', ' ', n),
    'BEGIN lines without END': (n) => rep('-----BEGIN RSA PRIVATE KEY-----\n', n),
    'BEGIN then body, no END': (n) => run('-----BEGIN PRIVATE KEY-----\n', 'A', n),
    'BEGIN and non-key ENDs': (n) => rep('-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END CERTIFICATE-----\n', n),
    'BEGIN, bad body, END': (n) =>
      rep('-----BEGIN PRIVATE KEY-----\n' + 'A'.repeat(70) + '!\n-----END PRIVATE KEY-----\n', n),
    'long headers': (n) => rep(`-----BEGIN ${'A'.repeat(99)} PRIVATE KEY`, n),
    dashes: (n) => run('PRIVATE KEY', '-', n),
  },
  'jwt-token': {
    'prefix repeated': (n) => rep('eyJ', n),
    'prefix then long run': (n) => run('.eyJ', 'a', n),
    'two segments, no third': (n) => rep(`.eyJ${'a'.repeat(10)}.eyJ${'a'.repeat(10)}.a `, n),
    'segment chains': (n) => rep(`eyJ${'a'.repeat(10)}.`, n),
  },
  'connection-string-password': {
    'schemes repeated': (n) => rep('postgres://', n),
    'user then long run': (n) => run('postgres://user:', 'p', n),
    'passwords too long': (n) => rep(`mysql://${'u'.repeat(64)}:${'p'.repeat(129)} `, n),
    colons: (n) => run('mongodb+srv://u:', ':', n),
  },
  'generic-password': {
    'keyword repeated': (n) => rep('password', n),
    'assignments repeated': (n) => rep('password=', n),
    'prefix runs': (n) => run('password ', '_', n) + 'password=Zq8wP3rKx1',
    'long prefix before keyword': (n) => rep(`${'_'.repeat(60)}password`, n),
    'keyword then long value': (n) => run('password=', 'a', n),
    'values just too long': (n) => rep(`db_password = "${'aB3'.repeat(43)}x" `, n),
    separators: (n) => rep(`password"${' '.repeat(5)}:${' '.repeat(5)}"`, n),
  },
};
