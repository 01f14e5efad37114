/**
 * `customs verify REF --key cosign.pub`: the cosign signature check alone,
 * and the `--verify-key`/`--require-signature` flags of `customs image`,
 * which verify before scanning.
 */
import type { Command } from 'commander';
import { describeVerification, verifyImageSignature } from '../../api/signature.js';
import type { SignatureVerification } from '../../model/signature.js';
import type { ClientOptions } from '../../api/signature.js';
import { UserError } from '../../util/errors.js';
import { parseDuration } from '../flag-values.js';
import { collect, registryCredentials, type CredentialFlags } from '../registry-credentials.js';

interface RegistryFlags extends CredentialFlags {
  insecure?: boolean;
  registryTimeout: string;
}

export interface SignatureFlags {
  verifyKey?: string[];
  requireSignature?: boolean;
}

/** Strips Grype's `registry:` prefix; signatures live only in a registry. */
function registryRef(ref: string): string {
  return ref.startsWith('registry:') ? ref.slice('registry:'.length) : ref;
}

/** The registry client options from the flags (reads --password-stdin: call once per run). */
export function registryOptions(flags: RegistryFlags): ClientOptions {
  return {
    ...registryCredentials(flags),
    insecure: flags.insecure,
    timeoutMs: parseDuration(flags.registryTimeout, '--registry-timeout'),
  };
}

/**
 * For `customs image`: verifies before the scan when keys are given. With
 * --require-signature an unverified image stops here (exit 1, one line);
 * otherwise the result only goes into the report.
 */
export async function verifyBeforeScan(
  ref: string | undefined,
  input: string | undefined,
  flags: SignatureFlags,
  registry: ClientOptions,
): Promise<SignatureVerification | undefined> {
  const keys = flags.verifyKey ?? [];
  if (keys.length === 0) {
    if (flags.requireSignature)
      throw new UserError('--require-signature needs a public key', 'add --verify-key cosign.pub');
    return undefined;
  }
  if (
    input !== undefined ||
    ref === undefined ||
    /^(docker|podman|containerd|docker-archive|oci-archive|oci-dir|oci|sbom):/.test(ref)
  )
    throw new UserError('--verify-key verifies images in a registry only', 'name the image by its registry reference');
  const result = await verifyImageSignature({ image: registryRef(ref), keyPaths: keys, registry });
  if (flags.requireSignature && !result.Verified)
    throw new UserError(`--require-signature: ${describeVerification(result)}`);
  return result;
}

export function addSignatureFlags(cmd: Command): Command {
  return cmd
    .option(
      '--verify-key <path>',
      'verify the cosign signature with this PEM public key before scanning (repeatable; any one may verify)',
      collect,
      [],
    )
    .option('--require-signature', 'fail (exit 1) when no --verify-key verifies the image');
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description("verify an image's keyed cosign signatures in its registry")
    .argument('<image>', 'registry reference (registry:5000/app:1.0 or …@sha256:…)')
    .requiredOption('--key <path>', 'PEM public key (cosign.pub), repeatable', collect, [])
    .option('--format <format>', 'table or json', 'table')
    .option('--username <user>', 'registry user (env CUSTOMS_USERNAME)')
    .option('--password <password>', 'registry password or token (env CUSTOMS_PASSWORD)')
    .option('--password-stdin', 'read the registry password or token from stdin')
    .option('--registry-auth <host=user:pass>', 'credentials for one registry only, repeatable', collect, [])
    .option('--insecure', "allow plain HTTP and self-signed TLS for the image's registry")
    .option('--registry-timeout <duration>', 'time one registry request may take', '60s')
    .action(async (ref: string, flags: RegistryFlags & { key: string[]; format: string }) => {
      if (flags.format !== 'table' && flags.format !== 'json')
        throw new UserError(`--format ${flags.format}: not a verify format`, 'use table or json');
      if (flags.key.length === 0) throw new UserError('verify: no --key given', 'pass --key cosign.pub');
      const result = await verifyImageSignature({
        image: registryRef(ref),
        keyPaths: flags.key,
        registry: registryOptions(flags),
      });
      process.stdout.write(
        flags.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : `${describeVerification(result)}\n`,
      );
      if (!result.Verified) process.exitCode = 1;
    });
}
