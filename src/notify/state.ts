/**
 * The CLI's memory of the previous scan of each repository (the server has
 * its store): one small file per repository under `<cache>/notify/state/`,
 * named by a hash of the repository so no name from an image becomes a path,
 * replaced atomically after each notifying scan.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeAll, writeFileAtomic } from '../util/atomic-file.js';
import { UserError } from '../util/errors.js';
import type { JsonReport } from '../report/format/json-layout.js';
import type { PreviousScan } from './events.js';

const MAX_REPORT_BYTES = 512 * 1024 * 1024;

function stateFile(dir: string, repository: string): string {
  return join(dir, `${createHash('sha256').update(repository).digest('hex')}.json`);
}

export function readPreviousScan(dir: string, repository: string): PreviousScan | undefined {
  let text: string;
  try {
    text = readFileSync(stateFile(dir, repository), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const data = JSON.parse(text) as { repository?: string; findings?: PreviousScan['findings'] };
    // A hash collision or a hand-edited file: treat as no previous scan rather than trust it.
    if (data.repository !== repository || typeof data.findings !== 'object' || data.findings === null) return undefined;
    return { findings: data.findings };
  } catch {
    return undefined;
  }
}

export function writePreviousScan(dir: string, repository: string, scan: PreviousScan): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileAtomic(stateFile(dir, repository), (fd) =>
    writeAll(fd, Buffer.from(JSON.stringify({ repository, updatedAt: new Date().toISOString(), ...scan }))),
  );
}

/** A JSON report from a file (`--baseline`, `customs push … REPORT.json`), checked to be one. */
export function readJsonReport(file: string): JsonReport {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new UserError(`${file}: cannot read the report (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (size > MAX_REPORT_BYTES) throw new UserError(`${file}: ${size} bytes is larger than any report customs reads`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new UserError(`${file}: not JSON`, 'give a report written with --format json');
  }
  const r = doc as Partial<JsonReport>;
  if (typeof r !== 'object' || r === null || r.SchemaVersion !== 2 || typeof r.ArtifactName !== 'string')
    throw new UserError(`${file}: not a JSON report (SchemaVersion 2)`, 'give a report written with --format json');
  if (r.Results !== undefined && !Array.isArray(r.Results)) throw new UserError(`${file}: Results is not a list`);
  return { Metadata: {}, ...r } as JsonReport;
}
