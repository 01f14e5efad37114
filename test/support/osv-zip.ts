/** Writes `<dir>/<folder>/all.zip` (the osv.dev bulk-export layout) with Python's zipfile, so entry names are written as given. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export function zipCorpus(dir: string, folder: string, entries: Record<string, string>): void {
  execFileSync('python3', [
    '-c',
    'import json,os,sys,zipfile\nd=sys.argv[1]; os.makedirs(d, exist_ok=True)\nwith zipfile.ZipFile(d+"/all.zip","w") as z:\n  for k,v in json.loads(sys.argv[2]).items(): z.writestr(k, v)',
    join(dir, folder),
    JSON.stringify(entries),
  ]);
}
