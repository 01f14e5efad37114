/** `--platform os/arch[/variant]` and how it matches an index entry. */
import { UserError } from '../../util/errors.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export function parsePlatform(s: string | undefined): Platform {
  if (!s) return { os: 'linux', architecture: 'amd64' };
  const parts = s.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/i.test(p))) {
    throw new UserError(`invalid --platform "${s}"`, 'use os/arch[/variant], e.g. linux/arm64/v8');
  }
  return { os: parts[0]!, architecture: parts[1]!, variant: parts[2] };
}

/** arm64 images often omit the `v8` variant; treat the defaults as equal. */
function normVariant(arch: string, v: string | undefined): string | undefined {
  if (arch === 'arm64' && (v === undefined || v === 'v8')) return 'v8';
  if (arch === 'arm' && v === undefined) return 'v7';
  return v;
}

export function platformMatches(want: Platform, got: Partial<Platform> | undefined): boolean {
  if (!got) return false;
  if (got.os !== want.os || got.architecture !== want.architecture) return false;
  return (
    want.variant === undefined ||
    normVariant(want.architecture, want.variant) === normVariant(got.architecture ?? '', got.variant)
  );
}

export function platformString(p: Partial<Platform> | undefined): string {
  return p ? [p.os, p.architecture, p.variant].filter(Boolean).join('/') : 'unknown';
}

/**
 * A single-platform image (a docker save tar, or a manifest reached without
 * an index) has its platform only in its config: an explicit `--platform`
 * that differs is an error, not a silent scan of the other architecture.
 */
export function checkConfigPlatform(requested: string | undefined, config: Partial<Platform>, what: string): void {
  if (!requested || (!config.os && !config.architecture)) return;
  const want = parsePlatform(requested);
  if (!platformMatches(want, config))
    throw new UserError(
      `${what}: no image for platform ${platformString(want)}`,
      `available: ${platformString(config)} (a single-platform image); drop --platform or choose that one`,
    );
}
