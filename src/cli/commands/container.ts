/**
 * `customs container [ID|NAME…] [--all]`: what each container runs, its
 * image plus the files its writable layer changed (the seed's nightly
 * `trivy container $(docker ps -q)`). One report per container, one after
 * the other on stdout; the exit code is the worst of them, and a container
 * that cannot be scanned is an error line that does not stop the others.
 */
import type { Command } from 'commander';
import { runningContainers } from '../../source/engine/index.js';
import { UserError, errorMessage } from '../../util/errors.js';
import { makeLogger, runScan } from '../run-scan.js';
import { addScanFlags, type ScanFlags } from '../scan-flags.js';
import { imageSourceOption, imageSourcesFrom } from './image-src.js';

interface ContainerFlags extends ScanFlags {
  all?: boolean;
  imageSrc: string;
}

export function registerContainer(program: Command): void {
  const container = program
    .command('container')
    .description("scan running containers: each one's image plus the files its writable layer changed")
    .argument('[containers...]', 'container ids or names (docker ps / podman ps)')
    .option('--all', 'every running container in every engine --image-src names')
    .addOption(imageSourceOption());
  addScanFlags(container).action(async (refs: string[], flags: ContainerFlags) => {
    const logger = makeLogger(flags);
    const sources = imageSourcesFrom(flags.imageSrc);
    if (refs.length && flags.all) throw new UserError('container: name containers or give --all, not both');
    if (!refs.length && !flags.all) throw new UserError('container: name a container id or name, or give --all');
    const targets = flags.all
      ? (await runningContainers(sources)).map((c) => ({ ref: c.id, sources: [c.engine] }))
      : refs.map((ref) => ({ ref, sources }));
    if (!targets.length) {
      logger.info('no running containers');
      return;
    }
    if (targets.length > 1 && flags.output)
      throw new UserError(
        `-o ${flags.output} with ${targets.length} containers would keep only the last report`,
        'scan one container per -o file, or write to stdout',
      );
    let failed = 0;
    for (const t of targets) {
      try {
        await runScan({ container: t.ref, imageSources: t.sources }, flags);
      } catch (e) {
        if (targets.length === 1) throw e;
        failed++;
        logger.error(`container ${t.ref}: ${errorMessage(e)}`);
      }
    }
    if (failed) {
      logger.error(`${failed} of ${targets.length} containers could not be scanned (see above)`);
      if (!process.exitCode) process.exitCode = 1;
    }
  });
}
