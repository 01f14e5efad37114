/**
 * `--format html`: one self-contained page (no script, no external asset,
 * styles inline, charts as inline SVG) that reads the same printed as on
 * screen. Rendered over the JSON report, like templates, so the weekly mail
 * renders stored JSON reports the same way. Every value is HTML-escaped
 * (html-escape.ts): package names, paths and titles come from the image.
 * Secret lines are the report's, already masked.
 */
import type { Report } from '../../model/report.js';
import { escapeHtml as e } from './html-escape.js';
import { renderJson } from './json.js';
import type { JsonReport, JsonVulnerability } from './json-layout.js';
import type { FormatOptions } from './options.js';

const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
const COLOURS: Record<string, string> = {
  CRITICAL: '#b00020',
  HIGH: '#e65100',
  MEDIUM: '#f9a825',
  LOW: '#1565c0',
  UNKNOWN: '#757575',
};

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5rem;color:#1b1b1b;max-width:1200px}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}h3{font-size:1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0;table-layout:fixed}
th,td{border:1px solid #ddd;padding:.25rem .4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere;font-size:.85rem}
th{background:#f2f2f2}.sev{color:#fff;font-weight:bold;padding:0 .3rem;border-radius:3px}
.muted{color:#555}.kev{font-weight:bold;color:#b00020}
@media print{body{margin:0}h2{break-after:avoid}tr{break-inside:avoid}}`;

export interface HtmlOptions {
  title?: string;
  toolName?: string;
  toolVersion?: string;
}

function sevBadge(s: string): string {
  return `<span class="sev" style="background:${COLOURS[s] ?? COLOURS['UNKNOWN']}">${e(s)}</span>`;
}

function counts(vulns: readonly JsonVulnerability[]): Record<string, number> {
  const c: Record<string, number> = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
  for (const v of vulns) c[SEVERITIES.includes(v.Severity as never) ? v.Severity : 'UNKNOWN']!++;
  return c;
}

/** A horizontal bar per severity, as inline SVG (drawn without script, printed as drawn). */
function severityChart(c: Record<string, number>): string {
  const max = Math.max(1, ...Object.values(c));
  const rowH = 26;
  const bars = SEVERITIES.map((s, i) => {
    const w = Math.round((c[s]! / max) * 300);
    const y = i * rowH;
    return `<text x="0" y="${y + 17}" font-size="13">${s}</text><rect class="bar" data-severity="${s}" x="90" y="${y + 4}" width="${w}" height="18" fill="${COLOURS[s]}"/><text x="${96 + w}" y="${y + 17}" font-size="13">${c[s]}</text>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Findings by severity" width="460" height="${SEVERITIES.length * rowH}" viewBox="0 0 460 ${SEVERITIES.length * rowH}">${bars}</svg>`;
}

function allVulns(report: JsonReport): { target: string; v: JsonVulnerability }[] {
  return (report.Results ?? []).flatMap((r) => (r.Vulnerabilities ?? []).map((v) => ({ target: r.Target, v })));
}

/** "Upgrading X to Y fixes N findings", most findings first. */
function upgrades(vulns: { v: JsonVulnerability }[]): string {
  const byPkg = new Map<string, { name: string; to: string; n: number }>();
  for (const { v } of vulns) {
    if (!v.FixedVersion) continue;
    const key = `${v.PkgName}@${v.InstalledVersion}`;
    // The highest fixed version listed first among several is not knowable without the scheme; show the one most findings name.
    const fix = v.FixedVersion.split(',')[0]!.trim();
    const cur = byPkg.get(key);
    if (cur) cur.n++;
    else byPkg.set(key, { name: v.PkgName, to: fix, n: 1 });
  }
  const top = [...byPkg.values()].sort((a, b) => b.n - a.n || a.name.localeCompare(b.name)).slice(0, 10);
  if (!top.length) return '<p class="muted">No finding has a fixed version yet.</p>';
  return `<ul>${top.map((u) => `<li>upgrading <b>${e(u.name)}</b> to ${e(u.to)} fixes ${u.n} finding${u.n > 1 ? 's' : ''}</li>`).join('')}</ul>`;
}

function vulnTable(rows: { target: string; v: JsonVulnerability }[], withTarget: boolean): string {
  const order = (x: JsonVulnerability): number => (x['KEV'] ? -1 : 0) * 10 + SEVERITIES.indexOf(x.Severity as never);
  const sorted = [...rows].sort((a, b) => order(a.v) - order(b.v));
  const head = `<tr>${withTarget ? '<th>Target</th>' : ''}<th style="width:9rem">Vulnerability</th><th style="width:6rem">Severity</th><th>Package</th><th>Installed</th><th>Fixed</th><th>Title</th></tr>`;
  const body = sorted
    .map(
      ({ target, v }) =>
        `<tr>${withTarget ? `<td>${e(target)}</td>` : ''}<td>${e(v.VulnerabilityID)}${v['KEV'] ? ' <span class="kev">KEV</span>' : ''}</td><td>${sevBadge(v.Severity)}</td><td>${e(v.PkgName)}</td><td>${e(v.InstalledVersion)}</td><td>${e(v.FixedVersion ?? '')}</td><td>${e(v.Title ?? '')}</td></tr>`,
    )
    .join('');
  return `<table><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

function str(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

function reportSection(report: JsonReport): string {
  const vulns = allVulns(report);
  const c = counts(vulns.map((x) => x.v));
  const fixable = vulns.filter((x) => x.v.FixedVersion).length;
  const kev = vulns.filter((x) => x.v['KEV']).length;
  const md = report.Metadata;
  const os = md['OS'] as { Family?: string; Name?: string } | undefined;
  const parts: string[] = [];
  parts.push(`<h2>${e(report.ArtifactName)}</h2>`);
  parts.push(
    `<p class="muted">${e(report.ArtifactType)}${os?.Family ? `, ${e(os.Family)} ${e(os.Name ?? '')}` : ''}, scanned ${e(report.CreatedAt)}</p>`,
  );
  parts.push(`<h3>Severity summary</h3>${severityChart(c)}`);
  parts.push(
    `<table class="summary"><thead><tr>${SEVERITIES.map((s) => `<th>${s}</th>`).join('')}<th>Fixable</th><th>Unfixable</th><th>Known exploited</th></tr></thead><tbody><tr>${SEVERITIES.map((s) => `<td>${c[s]}</td>`).join('')}<td>${fixable}</td><td>${vulns.length - fixable}</td><td>${kev}</td></tr></tbody></table>`,
  );
  const gates = report.Gates ?? [];
  if (gates.length)
    parts.push(
      `<h3>Security gates</h3><table><thead><tr><th>Gate</th><th>Limit</th><th>Count</th><th>Verdict</th></tr></thead><tbody>${gates.map((g) => `<tr><td>${e(g.Gate)}</td><td>${e(String(g.Limit))}</td><td>${e(String(g.Count))}</td><td>${g.Pass ? 'pass' : '<b>FAIL</b>'}</td></tr>`).join('')}</tbody></table>`,
    );
  if (vulns.length) parts.push(`<h3>Top upgrades</h3>${upgrades(vulns)}`);
  const layers = new Map<string, number>();
  for (const { v } of vulns) {
    const by = str(v.Layer?.CreatedBy) || str(v.Layer?.DiffID);
    if (by) layers.set(by, (layers.get(by) ?? 0) + 1);
  }
  if (layers.size)
    parts.push(
      `<h3>Findings by layer</h3><table><thead><tr><th>Layer</th><th style="width:6rem">Findings</th></tr></thead><tbody>${[...layers].map(([l, n]) => `<tr><td>${e(l)}</td><td>${n}</td></tr>`).join('')}</tbody></table>`,
    );
  for (const r of report.Results ?? []) {
    const rows: string[] = [];
    if (r.Vulnerabilities?.length)
      rows.push(
        vulnTable(
          r.Vulnerabilities.map((v) => ({ target: r.Target, v })),
          false,
        ),
      );
    if (r.Secrets?.length)
      rows.push(
        `<table><thead><tr><th>Secret</th><th style="width:6rem">Severity</th><th style="width:6rem">Line</th><th>Match (masked)</th></tr></thead><tbody>${r.Secrets.map((s) => `<tr><td>${e(str(s['Title']) || str(s['RuleID']))}</td><td>${sevBadge(str(s['Severity']))}</td><td>${e(str(s['StartLine']))}</td><td>${e(str(s['Match']))}</td></tr>`).join('')}</tbody></table>`,
      );
    if (r.Misconfigurations?.length)
      rows.push(
        `<table><thead><tr><th>Check</th><th style="width:6rem">Severity</th><th>Title</th><th>Message</th></tr></thead><tbody>${r.Misconfigurations.map((m) => `<tr><td>${e(str(m['ID']))}</td><td>${sevBadge(str(m['Severity']))}</td><td>${e(str(m['Title']))}</td><td>${e(str(m['Message']))}</td></tr>`).join('')}</tbody></table>`,
      );
    if (r.Licenses?.length)
      rows.push(
        `<table><thead><tr><th>Licence</th><th>Class</th><th style="width:6rem">Severity</th><th>Package or file</th></tr></thead><tbody>${r.Licenses.map((l) => `<tr><td>${e(str(l['Name']))}</td><td>${e(str(l['Category']))}</td><td>${sevBadge(str(l['Severity']))}</td><td>${e(str(l['PkgName']) || str(l['FilePath']))}</td></tr>`).join('')}</tbody></table>`,
      );
    if (rows.length)
      parts.push(`<h3>${e(r.Target)} <span class="muted">(${e(r.Type ?? r.Class)})</span></h3>${rows.join('')}`);
  }
  if (!vulns.length && !(report.Results ?? []).some((r) => r.Secrets?.length || r.Misconfigurations?.length))
    parts.push('<p>No findings.</p>');
  return `<section>${parts.join('\n')}</section>`;
}

/** The page for one or more JSON reports (the weekly report shows each repository's latest). */
export function htmlFromJson(reports: readonly JsonReport[], opts: HtmlOptions = {}): string {
  const title = opts.title ?? (reports.length === 1 ? `customs report: ${reports[0]!.ArtifactName}` : 'customs report');
  const by = opts.toolName ? `<p class="muted">${e(opts.toolName)} ${e(opts.toolVersion ?? '')}</p>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${e(title)}</h1>
${by}
${reports.map(reportSection).join('\n')}
</body>
</html>
`;
}

export function renderHtml(report: Report, opts: FormatOptions): string {
  const json = JSON.parse(renderJson(report, { listAllPkgs: false })) as JsonReport;
  return htmlFromJson([json], { toolName: opts.toolName, toolVersion: opts.toolVersion });
}
