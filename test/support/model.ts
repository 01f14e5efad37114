/**
 * Small builders for hand-made report models in unit tests: every required
 * field filled with a plain value, the caller overriding what the test is about.
 */
import type { Package } from '../../src/model/package.js';
import type { Report, Result, Vulnerability } from '../../src/model/report.js';

export function pkg(over: Partial<Package> & Pick<Package, 'name' | 'version' | 'purl' | 'ecosystem'>): Package {
  return { type: 'node-pkg', filePath: 'app/package-lock.json', origin: 'installed', ...over };
}

export function vuln(
  over: Partial<Vulnerability> & Pick<Vulnerability, 'id' | 'pkgName' | 'installedVersion' | 'purl'>,
): Vulnerability {
  return {
    aliases: [over.id],
    pkgId: `${over.pkgName}@${over.installedVersion}`,
    status: over.fixedVersion ? 'fixed' : 'affected',
    severity: 'MEDIUM',
    severitySource: 'osv',
    cvss: [],
    references: [],
    matchedBy: [{ advisoryId: over.id, ecosystem: 'npm', range: '>=0' }],
    ...over,
  };
}

export function report(results: Result[], over: Partial<Report> = {}): Report {
  return {
    schemaVersion: 2,
    createdAt: '2026-01-02T03:04:05Z',
    artifactName: 'example/app:1.0',
    artifactType: 'container_image',
    metadata: { diffIds: [], repoTags: [], repoDigests: [] },
    results,
    warnings: [],
    ...over,
  };
}
