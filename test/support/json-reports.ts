/**
 * Small JSON reports (Trivy's SchemaVersion 2 layout, as `customs -f json`
 * writes it) for the notification tests: the fields the events read, with
 * values in the shapes customs produces.
 */
import type { JsonReport, JsonVulnerability } from '../../src/report/format/json-layout.js';

export function jvuln(
  id: string,
  pkg: string,
  severity: string,
  over: Partial<JsonVulnerability> = {},
): JsonVulnerability {
  return {
    VulnerabilityID: id,
    PkgName: pkg,
    InstalledVersion: '1.0.0-1',
    Severity: severity,
    Title: `${id} in ${pkg}`,
    Description: `A flaw in ${pkg}.`,
    PrimaryURL: `https://avd.example/${id}`,
    References: [`https://nvd.nist.gov/vuln/detail/${id}`],
    ...over,
  };
}

export function jreport(image: string, vulns: JsonVulnerability[], over: Partial<JsonReport> = {}): JsonReport {
  return {
    SchemaVersion: 2,
    CreatedAt: '2026-12-01T10:00:00Z',
    ArtifactName: image,
    ArtifactType: 'container_image',
    Metadata: {
      OS: { Family: 'debian', Name: '12.8' },
      ImageID: `sha256:${'ab'.repeat(32)}`,
      RepoTags: [image],
      RepoDigests: [],
    },
    Results: [{ Target: `${image} (debian 12.8)`, Class: 'os-pkgs', Type: 'debian', Vulnerabilities: vulns }],
    ...over,
  };
}
