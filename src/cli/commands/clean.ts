/** `customs clean`: empties the scan cache (`--scan-cache`: layer facts and findings), the database or everything (`--all`). */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../util/errors.js';
import { resolveCacheDir } from '../../api/environment.js';

export function registerClean(program: Command): void {
  program
    .command('clean')
    .description('remove cached data')
    .option('--scan-cache', 'remove per-layer scan results and cached findings')
    .option('--vuln-db', 'remove the vulnerability database')
    .option('--all', 'remove everything customs keeps')
    .option('--cache-dir <dir>', 'cache directory (env CUSTOMS_CACHE_DIR)')
    .action((opts: { scanCache?: boolean; vulnDb?: boolean; all?: boolean; cacheDir?: string }) => {
      if (!opts.scanCache && !opts.vulnDb && !opts.all)
        throw new UserError('clean: say what to remove', 'use --scan-cache, --vuln-db or --all');
      const dir = resolveCacheDir(opts.cacheDir);
      if (opts.all || opts.scanCache) rmSync(join(dir, 'layers'), { recursive: true, force: true });
      if (opts.all || opts.vulnDb) rmSync(join(dir, 'db'), { recursive: true, force: true });
      process.stderr.write(`cleaned ${dir}\n`);
    });
}
