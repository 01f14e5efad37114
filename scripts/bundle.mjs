// Bundles the CLI (dist/src/cli/main.js, compiled by tsc) into dist/bundle/
// with esbuild: one module graph loads in a fraction of the time of ~200
// separate ES modules. better-sqlite3 stays external (a native addon), and
// modules loaded on first use through createRequire stay lazy.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/src/cli/main.js'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3'],
  // CommonJS dependencies call require() for Node's built-ins; ESM has no require of its own.
  banner: { js: "import { createRequire as __customsRequire } from 'node:module'; const require = __customsRequire(import.meta.url);" },
  sourcemap: true,
  logLevel: 'warning',
});
