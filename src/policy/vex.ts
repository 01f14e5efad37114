/**
 * VEX documents in: OpenVEX 0.2 and CycloneDX (its `vulnerabilities[].analysis`).
 * A statement names a vulnerability, the products (purls) it speaks for and a
 * status; `not_affected` and `fixed` suppress the matching finding,
 * `under_investigation` and `affected` keep it with the status noted.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parsePurl } from '../model/purl.js';
import { UserError } from '../util/errors.js';
import { scalarText } from '../util/scalar-text.js';

export interface VexStatement {
  vulnerability: string;
  aliases: string[];
  /** Purls the statement applies to; empty = every package. */
  products: string[];
  status: 'not_affected' | 'fixed' | 'under_investigation' | 'affected';
  justification?: string;
  source: string;
}

const STATUSES = new Set(['not_affected', 'fixed', 'under_investigation', 'affected']);
/** CycloneDX analysis states → OpenVEX statuses. */
const CDX_STATE: Record<string, VexStatement['status']> = {
  not_affected: 'not_affected',
  false_positive: 'not_affected',
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
  in_triage: 'under_investigation',
  exploitable: 'affected',
};

type Json = Record<string, unknown>;

function openVex(doc: Json, file: string): VexStatement[] {
  const statements = doc['statements'];
  if (!Array.isArray(statements)) throw new UserError(`${file}: /statements must be a list`);
  return statements.map((s: Json, i: number) => {
    const where = `${file}: /statements/${i}`;
    const v = s['vulnerability'] as Json | string | undefined;
    const name =
      typeof v === 'string'
        ? v
        : typeof v?.['name'] === 'string'
          ? v['name']
          : typeof v?.['@id'] === 'string'
            ? v['@id']
            : undefined;
    if (!name) throw new UserError(`${where}/vulnerability/name: missing`);
    const status = s['status'];
    if (typeof status !== 'string' || !STATUSES.has(status))
      throw new UserError(`${where}/status: "${String(status)}" is not one of ${[...STATUSES].join(', ')}`);
    const products: string[] = [];
    for (const p of (s['products'] as Json[] | undefined) ?? []) {
      const subs = (p['subcomponents'] as Json[] | undefined) ?? [];
      if (subs.length)
        for (const sc of subs) {
          const id = sc['@id'] ?? (sc['identifiers'] as Json | undefined)?.['purl'];
          if (typeof id === 'string') products.push(id);
        }
      else {
        const id = p['@id'] ?? (p['identifiers'] as Json | undefined)?.['purl'];
        if (typeof id === 'string' && id.startsWith('pkg:') && !id.startsWith('pkg:oci/')) products.push(id);
      }
    }
    const aliases =
      typeof v === 'object' && Array.isArray(v?.['aliases'])
        ? (v['aliases'] as unknown[]).filter((a): a is string => typeof a === 'string')
        : [];
    return {
      vulnerability: name,
      aliases,
      products,
      status: status as VexStatement['status'],
      justification:
        typeof s['justification'] === 'string' ? s['justification'] : (s['impact_statement'] as string | undefined),
      source: where,
    };
  });
}

function cycloneDxVex(doc: Json, file: string): VexStatement[] {
  const comps = new Map<string, string>();
  for (const c of (doc['components'] as Json[] | undefined) ?? [])
    if (typeof c['bom-ref'] === 'string' && typeof c['purl'] === 'string') comps.set(c['bom-ref'], c['purl']);
  return ((doc['vulnerabilities'] as Json[] | undefined) ?? []).flatMap((v, i) => {
    const analysis = v['analysis'] as Json | undefined;
    const state = CDX_STATE[scalarText(analysis?.['state'], '')];
    if (!state || typeof v['id'] !== 'string') return [];
    const products = ((v['affects'] as Json[] | undefined) ?? [])
      .map((a) => scalarText(a['ref'], ''))
      .map((r) => comps.get(r) ?? r)
      .filter((r) => r.startsWith('pkg:'));
    return [
      {
        vulnerability: v['id'],
        aliases: [],
        products,
        status: state,
        justification: (analysis?.['justification'] ?? analysis?.['detail']) as string | undefined,
        source: `${file}: /vulnerabilities/${i}`,
      },
    ];
  });
}

export function loadVex(pathOrDir: string): VexStatement[] {
  let files: string[];
  try {
    files = statSync(pathOrDir).isDirectory()
      ? readdirSync(pathOrDir)
          .filter((f) => f.endsWith('.json'))
          .map((f) => join(pathOrDir, f))
      : [pathOrDir];
  } catch (e) {
    throw new UserError(`${pathOrDir}: cannot read VEX (${(e as Error).message})`);
  }
  return files.flatMap((file) => {
    let doc: Json;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8')) as Json;
    } catch (e) {
      throw new UserError(`${file}: not valid JSON (${(e as Error).message})`);
    }
    if (typeof doc['@context'] === 'string' && doc['@context'].includes('openvex')) return openVex(doc, file);
    if (doc['bomFormat'] === 'CycloneDX') return cycloneDxVex(doc, file);
    throw new UserError(
      `${file}: neither an OpenVEX document (@context openvex) nor a CycloneDX BOM`,
      'give an OpenVEX 0.2 or CycloneDX VEX file',
    );
  });
}

/** purl match ignoring qualifiers; a statement purl without a version covers every version. */
export function purlMatches(statement: string, pkg: string): boolean {
  const a = parsePurl(statement),
    b = parsePurl(pkg);
  if (!a || !b) return statement === pkg;
  const norm = (s: string | undefined): string => (s ?? '').toLowerCase();
  return (
    a.type === b.type &&
    norm(a.namespace) === norm(b.namespace) &&
    a.name.toLowerCase() === b.name.toLowerCase() &&
    (!a.version || a.version === b.version)
  );
}
