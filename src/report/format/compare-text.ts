/** `customs compare` output: a table for people, JSON for pipelines. */
import type { Comparison } from '../compare.js';
import { SEVERITIES } from '../../model/report.js';
import { renderTable } from './text-table.js';

export function renderComparisonJson(c: Comparison): string {
  const v = (x: Comparison['vulnerabilities']['introduced'][number]) => ({
    VulnerabilityID: x.id,
    PkgName: x.pkgName,
    InstalledVersion: x.installedVersion,
    FixedVersion: x.fixedVersion,
    Severity: x.severity,
  });
  return (
    JSON.stringify(
      {
        Old: c.old,
        New: c.new,
        Packages: {
          Added: c.packages.added,
          Removed: c.packages.removed,
          Changed: c.packages.changed,
          Unchanged: c.packages.unchanged,
        },
        Vulnerabilities: {
          Introduced: c.vulnerabilities.introduced.map(v),
          Fixed: c.vulnerabilities.fixed.map(v),
          Persisting: c.vulnerabilities.persisting,
        },
        BySeverity: c.bySeverity,
      },
      null,
      2,
    ) + '\n'
  );
}

export function renderComparisonTable(c: Comparison): string {
  const out = [
    `${c.old.name} → ${c.new.name}`,
    `packages: ${c.old.packages} → ${c.new.packages} (${c.packages.added.length} added, ${c.packages.removed.length} removed, ${c.packages.changed.length} changed, ${c.packages.unchanged} unchanged)`,
    `vulnerabilities: ${c.old.vulnerabilities} → ${c.new.vulnerabilities} (${c.vulnerabilities.introduced.length} introduced, ${c.vulnerabilities.fixed.length} fixed, ${c.vulnerabilities.persisting} persisting)`,
    renderTable(
      [{ header: 'Severity' }, { header: 'Introduced' }, { header: 'Fixed' }],
      SEVERITIES.map((s) => [s, String(c.bySeverity[s].introduced), String(c.bySeverity[s].fixed)]),
    ),
  ];
  const rows = [
    ...c.packages.added.map((p) => ['added', p.name, '', p.to ?? '']),
    ...c.packages.removed.map((p) => ['removed', p.name, p.from ?? '', '']),
    ...c.packages.changed.map((p) => ['changed', p.name, p.from ?? '', p.to ?? '']),
  ];
  if (rows.length)
    out.push(
      renderTable([{ header: 'Change' }, { header: 'Package', max: 50 }, { header: 'Old' }, { header: 'New' }], rows),
    );
  if (c.vulnerabilities.introduced.length) {
    out.push(
      'Introduced vulnerabilities:',
      renderTable(
        [
          { header: 'Vulnerability' },
          { header: 'Package' },
          { header: 'Severity' },
          { header: 'Installed' },
          { header: 'Fixed' },
        ],
        c.vulnerabilities.introduced.map((v) => [
          v.id,
          v.pkgName,
          v.severity,
          v.installedVersion,
          v.fixedVersion ?? '',
        ]),
      ),
    );
  }
  return out.join('\n') + '\n';
}
