/**
 * apk's database `lib/apk/db/installed`: records of `X:value` lines separated
 * by blank lines; `F:` names a directory and the `R:` lines after it its files.
 */
import type { Package } from '../../model/package.js';
import type { Analyzer } from '../types.js';
import { MiB } from '../types.js';
import { ownedFileList } from '../../model/facts.js';

const INSTALLED = 'lib/apk/db/installed';
const MAX_RECORDS = 100_000;
const MAX_FILES_PER_PACKAGE = 200_000;

interface ApkRecord {
  fields: Map<string, string>;
  files: string[];
  line: number;
}

function parseRecords(text: string, warn: (m: string) => void): ApkRecord[] {
  const records: ApkRecord[] = [];
  let cur: ApkRecord | undefined;
  let dir = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') {
      if (cur) records.push(cur);
      cur = undefined;
      dir = '';
      continue;
    }
    if (records.length >= MAX_RECORDS) {
      warn(`more than ${MAX_RECORDS} packages; the rest is ignored`);
      break;
    }
    cur ??= { fields: new Map(), files: [], line: i + 1 };
    if (line.length < 2 || line[1] !== ':') {
      warn(`line ${i + 1}: not a "X:value" line; ignored`);
      continue;
    }
    const key = line[0]!;
    const value = line.slice(2);
    if (key === 'F') dir = value;
    else if (key === 'R') {
      if (cur.files.length < MAX_FILES_PER_PACKAGE) cur.files.push(dir ? `${dir}/${value}` : value);
    } else if (!cur.fields.has(key)) cur.fields.set(key, value);
  }
  if (cur) records.push(cur);
  return records;
}

export const apkAnalyzer: Analyzer = {
  name: 'apk',
  version: 2,
  maxFileSize: 128 * MiB,
  required: (path) => path === INSTALLED,
  analyze(file, ctx) {
    const packages: Package[] = [];
    const ownedFiles: Record<string, string> = {};
    for (const r of parseRecords(file.content.toString('utf8'), ctx.warn)) {
      const name = r.fields.get('P');
      const version = r.fields.get('V');
      if (!name || !version) {
        ctx.warn(`record at line ${r.line} has no ${name ? 'V:' : 'P:'} line; skipped`);
        continue;
      }
      const origin = r.fields.get('o');
      const pkg: Package = {
        name,
        version,
        srcName: origin ?? name,
        srcVersion: version,
        purl: '',
        ecosystem: 'apk',
        type: 'apk',
        filePath: file.path,
        origin: 'installed',
      };
      const arch = r.fields.get('A');
      if (arch) pkg.arch = arch;
      const lic = r.fields.get('L');
      if (lic) pkg.licenses = [lic];
      const maint = r.fields.get('m');
      if (maint) pkg.maintainer = maint;
      const deps = r.fields.get('D');
      if (deps)
        pkg.dependsOn = deps
          .split(' ')
          .filter((d) => d && !d.startsWith('/') && !d.startsWith('so:') && !d.startsWith('cmd:'))
          .map((d) => d.split(/[<>=~]/)[0]!);
      if (r.files.length) ownedFiles[name] = ownedFileList(r.files);
      packages.push(pkg);
    }
    return { packageSets: [{ type: 'apk', filePath: file.path, packages }], ownedFiles };
  },
};
