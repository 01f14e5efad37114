/** customs' own version, from its package.json. */
import { readFileSync } from 'node:fs';
import { packageFile } from './package-root.js';

export function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
}
