/**
 * Trivy's names for what customs does (and does not do), so a pipeline that
 * sets `TRIVY_*` variables or keeps a `trivy.yaml` gets the same behaviour,
 * or a message naming what customs cannot honour: never a silent drop, which
 * would let a gate pass that was meant to fail.
 */

/** Trivy's nested config keys (`trivy.yaml`) whose customs flag has another name. */
export const TRIVY_CONFIG_KEYS: ReadonlyMap<string, string> = new Map([
  ['cache.dir', 'cache-dir'],
  ['db.skip-update', 'skip-db-update'],
  ['vulnerability.type', 'vuln-type'],
  ['vulnerability.ignore-unfixed', 'ignore-unfixed'],
  ['scan.scanners', 'scanners'],
  ['scan.security-checks', 'security-checks'],
  ['scan.offline', 'offline-scan'],
  ['scan.skip-dirs', 'skip-dirs'],
  ['scan.skip-files', 'skip-files'],
  ['image.input', 'input'],
  ['image.platform', 'platform'],
  ['image.source', 'image-src'],
  ['registry.username', 'username'],
  ['registry.password', 'password'],
  ['secret.config', 'secret-config'],
  ['license.forbidden', 'license-forbidden'],
  ['db.no-progress', 'no-progress'],
  ['image.source', 'image-src'],
  // Top-level keys that are customs flags by the same name: listed so that a key for a flag the
  // command lacks (`insecure` under `customs sbom`) is a warning, as one trivy.yaml serves every command.
  ...[
    'debug',
    'exit-code',
    'exit-on-eol',
    'format',
    'ignorefile',
    'insecure',
    'list-all-pkgs',
    'output',
    'quiet',
    'severity',
    'template',
    'timeout',
  ].map((k): [string, string] => [k, k]),
]);

/**
 * Trivy options that change what is found, skipped or gated, which customs
 * does not implement: flag name => its `trivy.yaml` key. Setting one is an
 * error, because scanning without it gives a different verdict.
 */
export const UNSUPPORTED_TRIVY_OPTIONS: ReadonlyMap<string, string> = new Map([
  ['file-patterns', 'scan.file-patterns'],
  ['sbom-sources', 'scan.sbom-sources'],
  ['rekor-url', 'scan.rekor-url'],
  ['slow', 'scan.slow'],
  ['removed-pkgs', 'image.removed-pkgs'],
  ['docker-host', 'image.docker.host'],
  ['registry-token', 'registry.token'],
  ['ignore-policy', 'ignore-policy'],
  ['dependency-tree', 'dependency-tree'],
  ['compliance', 'scan.compliance'],
  ['report', 'report'],
  ['server', 'server.addr'],
  ['token', 'server.token'],
  ['token-header', 'server.token-header'],
  ['custom-headers', 'server.custom-headers'],
  ['config-policy', 'rego.policy'],
  ['config-data', 'rego.data'],
  ['policy-namespaces', 'rego.namespaces'],
  ['include-non-failures', 'misconfiguration.include-non-failures'],
  ['license-full', 'license.full'],
  ['ignored-licenses', 'license.ignored'],
  ['reset', 'reset'],
  ['clear-cache', 'cache.clear'],
  ['cache-backend', 'cache.backend'],
  ['download-db-only', 'db.download-only'],
  ['download-java-db-only', 'db.download-java-only'],
  ['cache-ttl', 'cache.ttl'],
  ['redis-ca', 'cache.redis.ca'],
  ['redis-cert', 'cache.redis.cert'],
  ['redis-key', 'cache.redis.key'],
  ['redis-tls', 'cache.redis.tls'],
  ['image-config-scanners', 'image.image-config-scanners'],
  ['license-confidence-level', 'license.confidencelevel'],
  ['helm-set', 'misconfiguration.helm.set'],
  ['helm-set-file', 'misconfiguration.helm.set-file'],
  ['helm-set-string', 'misconfiguration.helm.set-string'],
  ['helm-values', 'misconfiguration.helm.values'],
  ['tf-exclude-downloaded-modules', 'misconfiguration.terraform.exclude-downloaded-modules'],
  ['tf-vars', 'misconfiguration.terraform.vars'],
  ['enable-modules', 'module.enable-modules'],
  ['ignore-status', 'vulnerability.ignore-status'],
]);

/**
 * Trivy options with nothing to do in customs (its own database mirrors,
 * update switches for databases customs does not have, a progress bar):
 * accepted with a warning, so CI environments that set them keep working.
 */
export const NO_EFFECT_TRIVY_OPTIONS: ReadonlyMap<string, string> = new Map([
  ['db-repository', 'db.repository'],
  ['java-db-repository', 'db.java-repository'],
  ['skip-java-db-update', 'db.java-skip-update'],
  ['skip-policy-update', 'rego.skip-policy-update'],
  ['light', 'db.light'],
  ['policy-bundle-repository', 'misconfiguration.policy-bundle-repository'],
  ['reset-policy-bundle', 'misconfiguration.reset-policy-bundle'],
  ['module-dir', 'module.dir'],
  ['trace', 'rego.trace'],
]);

/**
 * Keys Trivy writes into the files it generates that mean nothing inside a
 * config file (a config file cannot name another one). Not matched against
 * TRIVY_* variables: TRIVY_VERSION comes from installers, not from Trivy.
 */
export const NO_EFFECT_CONFIG_KEYS: ReadonlySet<string> = new Set(['config', 'version', 'generate-default-config']);

/**
 * Values of unsupported Trivy options that ask for nothing: Trivy's own
 * default where it is not empty (an empty string or list, false and 0 ask
 * for nothing too). A `trivy.yaml` written by `trivy image
 * --generate-default-config` spells every option out at these values; they
 * change no result, so they are accepted.
 */
export const TRIVY_INERT_DEFAULTS: ReadonlyMap<string, string> = new Map([
  ['cache.backend', 'fs'],
  ['cache.ttl', '0s'],
  ['license.confidencelevel', '0.9'],
  ['report', 'summary'],
  ['scan.rekor-url', 'https://rekor.sigstore.dev'],
  ['server.token-header', 'Trivy-Token'],
  ['db.repository', 'ghcr.io/aquasecurity/trivy-db'],
  ['db.java-repository', 'ghcr.io/aquasecurity/trivy-java-db'],
  ['misconfiguration.policy-bundle-repository', 'ghcr.io/aquasecurity/defsec:0'],
  ['config', 'trivy.yaml'],
]);

/** True when an unsupported option's value asks for nothing (see TRIVY_INERT_DEFAULTS). */
export function isInertTrivyValue(key: string, value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0) return true;
  if (typeof value === 'string') {
    const v = value.trim();
    return v === '' || v === 'false' || v === '0' || TRIVY_INERT_DEFAULTS.get(key) === v;
  }
  return Array.isArray(value) && value.length === 0;
}

/**
 * Files Trivy reads when present and skips silently when not: set to these
 * names in a config file, a missing file means unset, not an error.
 */
export const TRIVY_OPTIONAL_FILES: ReadonlyMap<string, string> = new Map([
  ['ignorefile', '.trivyignore'],
  ['secret.config', 'trivy-secret.yaml'],
]);

/**
 * Trivy's licence categories (`license.restricted: [...]`): customs
 * classifies by the same Google licenseclassifier table, so such a list is
 * honoured when every id in it already has that category here, and an
 * error naming the ids that differ otherwise.
 */
export const TRIVY_LICENSE_CATEGORY_KEYS: ReadonlyMap<string, string> = new Map([
  ['license.notice', 'notice'],
  ['license.permissive', 'permissive'],
  ['license.reciprocal', 'reciprocal'],
  ['license.restricted', 'restricted'],
  ['license.unencumbered', 'unencumbered'],
]);
