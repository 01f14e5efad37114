/**
 * The sending sections of a config file, for the commands that send
 * (`--notify`, `customs notify`, `customs push`). Only a file the user named
 * (`--config`) is read for them: the sections decide where reports and
 * tokens go, and a customs.yaml in the working directory may be the scanned
 * repository's, written by anyone who can open a pull request.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseUntrustedYaml } from '../util/untrusted-yaml.js';
import { UserError } from '../util/errors.js';
import { parseNotifications, parseTracking, type NotificationsConfig, type TrackingConfig } from './config.js';

export const SENDING_SECTIONS = ['notifications', 'vulnerability_tracking'] as const;

export interface SendingConfig {
  file: string;
  notifications?: NotificationsConfig;
  tracking?: TrackingConfig;
}

/** Parses the two sections of an already-parsed config document (other keys are the caller's). */
export function sendingSections(doc: Record<string, unknown>, file: string): SendingConfig {
  return {
    file,
    notifications: doc['notifications'] === undefined ? undefined : parseNotifications(doc['notifications'], file),
    tracking:
      doc['vulnerability_tracking'] === undefined ? undefined : parseTracking(doc['vulnerability_tracking'], file),
  };
}

/** The sending config from `--config FILE`; without one, an error that says to name the file. */
export function loadSendingConfig(configFlag: string | undefined, what: string): SendingConfig {
  if (configFlag === undefined) {
    const implicit = existsSync('customs.yaml') ? 'customs.yaml' : undefined;
    throw new UserError(
      `${what} needs the config file named with --config`,
      implicit
        ? 'a customs.yaml found in the working directory is not trusted to say where reports and tokens go: pass --config customs.yaml'
        : 'pass --config FILE holding notifications: / vulnerability_tracking:',
    );
  }
  let doc: unknown;
  try {
    doc = parseUntrustedYaml(readFileSync(configFlag, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${configFlag}: ${code ? `cannot read it (${code})` : (e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new UserError(`${configFlag}: the top level must be a mapping`);
  return sendingSections(doc as Record<string, unknown>, configFlag);
}
