/**
 * `--format openvex`: the decisions about this image as an OpenVEX 0.2
 * document. Findings still in the report are `affected` (or
 * `under_investigation` when a VEX statement said so); findings a VEX
 * statement suppressed keep that statement's status and justification.
 * Ignore-file rules are not VEX statements and are not exported.
 */
import { createHash } from 'node:crypto';
import { imageIdentity } from '../image-identity.js';
import type { Report } from '../../model/report.js';
import type { FormatOptions } from './options.js';

const JUSTIFICATIONS = new Set([
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
]);

export function renderOpenVex(report: Report, opts: FormatOptions): string {
  const now = (opts.now ?? new Date()).toISOString();
  const identity = imageIdentity(report);
  const imageIri = identity.purl ?? `urn:customs:image:${encodeURIComponent(report.metadata.imageId || identity.name)}`;
  const product = (purl: string) => ({ '@id': imageIri, subcomponents: [{ '@id': purl }] });
  // A package no metadata gives a purl to (a jar that names no Maven group) is named without claiming an ecosystem.
  const generic = (name: string, version?: string) =>
    `pkg:generic/${encodeURIComponent(name)}${version ? `@${encodeURIComponent(version)}` : ''}`;
  // The schema wants unique statements: one package seen in two places, or one purl in two projects, is one product.
  const statements = new Map<string, Record<string, unknown>>();
  const add = (st: Record<string, unknown>): void => {
    const k = JSON.stringify(st);
    if (!statements.has(k)) statements.set(k, st);
  };
  for (const r of report.results) {
    for (const v of r.vulnerabilities ?? []) {
      add({
        vulnerability: {
          name: v.id,
          ...(v.aliases.length > 1 ? { aliases: v.aliases.filter((a) => a !== v.id) } : {}),
        },
        products: [product(v.purl || generic(v.pkgName, v.installedVersion))],
        status: v.vexStatus === 'under_investigation' ? 'under_investigation' : 'affected',
        ...(v.vexStatus === 'under_investigation'
          ? {}
          : {
              action_statement: v.fixedVersion
                ? `Upgrade ${v.pkgName} to ${v.fixedVersion}`
                : 'No fixed version yet; track the advisory',
            }),
      });
    }
    for (const s of r.suppressed ?? []) {
      if (s.by !== 'vex' || s.kind !== 'vulnerability' || (s.status !== 'not_affected' && s.status !== 'fixed'))
        continue;
      const pkg = r.packages?.find((p) => p.name === s.pkgName && p.version === s.installedVersion);
      const st: Record<string, unknown> = {
        vulnerability: { name: s.id },
        products: [product(pkg?.purl || generic(s.pkgName ?? 'unknown', s.installedVersion))],
        status: s.status,
      };
      if (s.status === 'not_affected') {
        if (s.statement && JUSTIFICATIONS.has(s.statement)) st['justification'] = s.statement;
        else st['impact_statement'] = s.statement ?? `suppressed by ${s.source}`;
      }
      add(st);
    }
  }
  const id = createHash('sha256')
    .update(`${report.metadata.imageId ?? report.artifactName}|${now}`)
    .digest('hex')
    .slice(0, 32);
  return (
    JSON.stringify(
      {
        '@context': 'https://openvex.dev/ns/v0.2.0',
        '@id': `https://openvex.dev/docs/public/vex-${id}`,
        author: `${opts.toolName} ${opts.toolVersion}`,
        timestamp: now,
        version: 1,
        tooling: `${opts.toolName} ${opts.toolVersion}`,
        statements: [...statements.values()],
      },
      null,
      2,
    ) + '\n'
  );
}
