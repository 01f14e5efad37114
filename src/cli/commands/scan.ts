/** `customs image` and `customs rootfs`: the scanning commands. */
import type { Command } from 'commander';
import { imageTarget } from '../image-target.js';
import { makeLogger, runScan } from '../run-scan.js';
import { addScanFlags, type ScanFlags } from '../scan-flags.js';
import { collect } from '../registry-credentials.js';
import { addNotifyFlags, type NotifyFlags } from '../scan-notify.js';
import { imageSourceOption, imageSourcesFrom } from './image-src.js';
import { UserError } from '../../util/errors.js';
import { addSignatureFlags, registryOptions, verifyBeforeScan, type SignatureFlags } from './verify.js';

interface ImageFlags extends ScanFlags, NotifyFlags, SignatureFlags {
  input?: string;
  platform?: string;
  username?: string;
  password?: string;
  passwordStdin?: boolean;
  registryAuth: string[];
  insecure?: boolean;
  registryTimeout: string;
  imageSrc: string;
}

const SBOM_FORMATS = new Set(['cyclonedx', 'spdx', 'spdx-json']);

/** SBOM formats are inventories: like Trivy, they carry vulnerabilities only when `--scanners` asks. */
export function effectiveScanners(cmd: Command, flags: ScanFlags): string {
  return SBOM_FORMATS.has(flags.format) && cmd.getOptionValueSource('scanners') === 'default' ? 'none' : flags.scanners;
}

export function registerScanCommands(program: Command): void {
  const image = program
    .command('image')
    .alias('i')
    .description('scan a container image from a registry, or a local archive/OCI layout with --input')
    .argument(
      '[image]',
      'image reference (alpine:3.20, registry:5000/app@sha256:…); Grype prefixes docker-archive:, oci-archive:, oci-dir:, registry:, sbom: accepted',
    )
    .option(
      '--input <path>',
      'docker save tar, OCI archive or OCI layout dir (prefixes docker-archive:, oci-archive:, oci: accepted)',
    )
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image')
    .option('--username <user>', 'registry user (env CUSTOMS_USERNAME)')
    .option(
      '--password <password>',
      'registry password or token (env CUSTOMS_PASSWORD; visible in ps: prefer --password-stdin)',
    )
    .option(
      '--password-stdin',
      'read the registry password or token from stdin (for --username, or --registry-auth HOST=USER)',
    )
    .option(
      '--registry-auth <host=user:pass>',
      'credentials for one registry only, repeatable (env CUSTOMS_REGISTRY_AUTH, one a line); HOST=USER takes the --password-stdin password',
      collect,
      [],
    )
    .option(
      '--insecure',
      "allow plain HTTP and self-signed TLS for the image's registry (not for other hosts it names)",
    )
    .option(
      '--registry-timeout <duration>',
      'time one registry request may take (a manifest, config or token body included; blobs: time without data)',
      '60s',
    )
    .addOption(imageSourceOption());
  addSignatureFlags(addNotifyFlags(addScanFlags(image))).action(
    async (ref: string | undefined, flags: ImageFlags, cmd: Command) => {
      const target = imageTarget(ref, flags.input, makeLogger(flags));
      if (target.input === '-' && flags.passwordStdin)
        throw new UserError('--input - and --password-stdin both read stdin', 'give the password another way');
      // A Grype engine prefix (docker:, podman:, containerd:, registry:) names the one place to look.
      target.imageSources ??= imageSourcesFrom(flags.imageSrc);
      const registry = registryOptions(flags);
      // Verified first: an image that must be signed is not scanned (or pulled) when it is not.
      const signatures = await verifyBeforeScan(ref, flags.input, flags, registry);
      await runScan(
        { ...target, platform: flags.platform, registry },
        { ...flags, scanners: effectiveScanners(cmd, flags) },
        signatures,
      );
    },
  );

  const rootfs = program
    .command('rootfs')
    .description('scan an unpacked root filesystem')
    .argument('<dir>', 'directory holding the filesystem');
  addNotifyFlags(addScanFlags(rootfs)).action(async (dir: string, flags: ScanFlags & NotifyFlags, cmd: Command) => {
    await runScan({ rootfs: dir }, { ...flags, scanners: effectiveScanners(cmd, flags) });
  });
}
