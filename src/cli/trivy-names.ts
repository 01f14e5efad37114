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
  ['image.input', 'input'],
  ['image.platform', 'platform'],
  ['image.source', 'image-src'],
  ['registry.username', 'username'],
  ['registry.password', 'password'],
  ['secret.config', 'secret-config'],
  ['license.forbidden', 'license-forbidden'],
]);

/**
 * Trivy options that change what is found, skipped or gated, which customs
 * does not implement: flag name => its `trivy.yaml` key. Setting one is an
 * error, because scanning without it gives a different verdict.
 */
export const UNSUPPORTED_TRIVY_OPTIONS: ReadonlyMap<string, string> = new Map([
  ['skip-dirs', 'scan.skip-dirs'],
  ['skip-files', 'scan.skip-files'],
  ['file-patterns', 'scan.file-patterns'],
  ['sbom-sources', 'scan.sbom-sources'],
  ['rekor-url', 'scan.rekor-url'],
  ['slow', 'scan.slow'],
  ['removed-pkgs', 'image.removed-pkgs'],
  ['docker-host', 'image.docker.host'],
  ['registry-token', 'registry.token'],
  ['ignore-policy', 'ignore-policy'],
  ['dependency-tree', 'dependency-tree'],
  ['compliance', 'compliance'],
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
]);

/**
 * Trivy options with nothing to do in customs (its own database mirrors,
 * update switches for databases customs does not have, a progress bar):
 * accepted with a warning, so CI environments that set them keep working.
 */
export const NO_EFFECT_TRIVY_OPTIONS: ReadonlyMap<string, string> = new Map([
  ['db-repository', 'db.repository'],
  ['java-db-repository', 'db.java-repository'],
  ['no-progress', 'db.no-progress'],
  ['skip-java-db-update', ''],
  ['skip-policy-update', ''],
]);
