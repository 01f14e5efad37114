/**
 * Names the build of customs that is running: the identity on disk of its
 * code (the CLI bundle, or this module compiled by tsc; every build rewrites
 * both). Results that only code derives, not read from the image (matched
 * findings), are cached under it: a new build never reads what an older one
 * made, with no version number to remember to bump.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let identity: string | undefined;

export function codeIdentity(): string {
  if (identity) return identity;
  const st = statSync(fileURLToPath(import.meta.url));
  return (identity = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`);
}
