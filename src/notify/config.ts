/**
 * The config file's `notifications:` and `vulnerability_tracking:` sections,
 * as the seed pipelines write them:
 *
 *   notifications:
 *     weekly_report: { schedule: '0 8 * * MON' }
 *     channels:
 *       slack: { channel: security-alerts, triggers: [new_critical_vulnerability, compliance_violation] }
 *       email: { recipients: [security-team@company.com], triggers: [weekly_security_report] }
 *   vulnerability_tracking:
 *     providers:
 *       - { name: defectdojo, api_url: https://defectdojo.internal, product_name: container-security }
 *       - { name: security_hub, region: us-west-2, findings_filter: { SeverityLabel: CRITICAL } }
 *
 * A channel's key is its kind (slack, email, webhook, teams) or any name
 * with `type:`. Parsing checks the structure only (unknown keys are errors
 * naming them); secrets are described here, read only when something is sent
 * (secrets.ts), so a scan that sends nothing needs none of them.
 */
import type * as Croner from 'croner';
import { UserError } from '../util/errors.js';
import { lazyRequire } from '../util/lazy-require.js';
import type { SecretRef } from './secrets.js';

export const TRIGGERS = [
  'new_critical_vulnerability',
  'compliance_violation',
  'critical_security_event',
  'weekly_security_report',
  'new_fixable',
  'scan_failed',
] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** Mondays at 08:00 (the server's time zone). */
export const DEFAULT_WEEKLY_SCHEDULE = '0 8 * * MON';

export const CHANNEL_KINDS = ['slack', 'email', 'webhook', 'teams'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** At most `count` messages in any `periodMs` window on one channel. */
export interface RateLimit {
  count: number;
  periodMs: number;
}

interface ChannelCommon {
  name: string;
  triggers: Trigger[];
  rateLimit: RateLimit;
}

export interface SlackChannel extends ChannelCommon {
  kind: 'slack';
  /** The channel chat.postMessage posts to (a bot token's target; an incoming webhook has its own). */
  channel?: string;
  webhookUrl: SecretRef;
  token: SecretRef;
  /** Slack's Web API base (`CUSTOMS_SLACK_API_URL`), for tests and proxies. */
  apiUrlEnv: string;
}

export interface EmailChannel extends ChannelCommon {
  kind: 'email';
  recipients: string[];
  /** The sender; else `CUSTOMS_SMTP_FROM`. */
  from?: string;
  smtpUrl: SecretRef;
  /** Refuse to send without TLS (STARTTLS on smtp://, implicit on smtps://). Default true. */
  requireTls: boolean;
  /** A PEM file of CAs to trust besides the system's (a private relay). */
  caFile?: string;
}

export interface WebhookChannel extends ChannelCommon {
  kind: 'webhook';
  url: SecretRef;
  /** The HMAC-SHA256 key for `X-Customs-Signature`; unsigned when unset. */
  secret: SecretRef;
}

export interface TeamsChannel extends ChannelCommon {
  kind: 'teams';
  url: SecretRef;
}

export type ChannelConfig = SlackChannel | EmailChannel | WebhookChannel | TeamsChannel;

export interface NotificationsConfig {
  channels: ChannelConfig[];
  /** Cron expression for `weekly_security_report` (the server schedules it; the CLI sends on demand). */
  weeklySchedule: string;
  /** The server's base URL, for links to image pages in messages. */
  serverUrl?: string;
}

export interface DefectDojoConfig {
  kind: 'defectdojo';
  apiUrl: string;
  token: SecretRef;
  productName: string;
  productTypeName: string;
  engagementName: string;
  testTitle?: string;
  autoCreateContext: boolean;
  closeOldFindings: boolean;
  minimumSeverity: string;
}

export interface SecurityHubConfig {
  kind: 'security_hub';
  region?: string;
  /** The account findings are filed under; else AWS_ACCOUNT_ID. */
  accountId?: string;
  /** The ProductName the findings carry, and SeverityLabel values sent (empty: all). */
  productName: string;
  severityLabels: string[];
}

export interface TrackingConfig {
  defectdojo?: DefectDojoConfig;
  securityHub?: SecurityHubConfig;
}

type Mapping = Record<string, unknown>;

function nearest(key: string, known: readonly string[]): string {
  const d = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const cur = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = cur;
      }
    }
    return row[b.length]!;
  };
  return [...known].sort((a, b) => d(key, a) - d(key, b))[0]!;
}

/** A mapping whose keys are all known, else an error naming the key and the nearest known one. */
function mapping(value: unknown, where: string, file: string, known: readonly string[]): Mapping {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new UserError(`${file}: ${where} must be a mapping`);
  for (const k of Object.keys(value)) {
    if (!known.includes(k))
      throw new UserError(`${file}: unknown key "${where}.${k}"`, `did you mean "${nearest(k, known)}"?`);
  }
  return value as Mapping;
}

function str(m: Mapping, key: string, where: string, file: string): string | undefined {
  const v = m[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !v.trim()) throw new UserError(`${file}: ${where}.${key} must be a non-empty string`);
  return v.trim();
}

function bool(m: Mapping, key: string, where: string, file: string, dflt: boolean): boolean {
  const v = m[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw new UserError(`${file}: ${where}.${key} must be true or false`);
  return v;
}

function list(m: Mapping, key: string, where: string, file: string): string[] {
  const v = m[key];
  if (v === undefined || v === null) return [];
  const items = Array.isArray(v) ? v : [v];
  if (!items.every((x) => typeof x === 'string' && x.trim()))
    throw new UserError(`${file}: ${where}.${key} must be a list of strings`);
  return (items as string[]).map((x) => x.trim());
}

/** The keys a secret named `key` may be given by: `key_env`, `key_file`, and the clear `key` (refused). */
const secretKeys = (key: string): string[] => [key, `${key}_env`, `${key}_file`];

/**
 * A secret's source. A value in clear is refused, with the way to move it:
 * a config file is committed, copied into images and printed in CI logs.
 */
function secret(m: Mapping, key: string, where: string, file: string, defaultEnv: string): SecretRef {
  const path = `${where}.${key}`;
  if (m[key] !== undefined)
    throw new UserError(
      `${file}: ${path} holds a secret in clear`,
      `remove it and set the environment variable ${defaultEnv}, or name another with ${key}_env: VAR, or a file with ${key}_file: PATH`,
    );
  const env = str(m, `${key}_env`, where, file);
  if (env !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(env))
    throw new UserError(`${file}: ${path}_env must name an environment variable, got "${env.slice(0, 64)}"`);
  return { key: path, env: env ?? defaultEnv, file: str(m, `${key}_file`, where, file) };
}

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `N/s`, `N/m`, `N/h`, `N/d`, or `N/<n><unit>` (`20/10m`). */
function rateLimit(m: Mapping, where: string, file: string, kind: ChannelKind): RateLimit {
  const v = m['rate_limit'];
  // Slack and Teams allow about one message a second per webhook; mail relays and receivers vary.
  if (v === undefined || v === null)
    return kind === 'email' ? { count: 30, periodMs: 3_600_000 } : { count: 1, periodMs: 1000 };
  const match = typeof v === 'string' ? /^(\d{1,6})\/(\d{0,6})([smhd])$/.exec(v.trim()) : null;
  if (!match || Number(match[1]) < 1)
    throw new UserError(`${file}: ${where}.rate_limit must look like 30/h or 1/s or 20/10m, got ${JSON.stringify(v)}`);
  return { count: Number(match[1]), periodMs: Number(match[2] || 1) * DURATION_UNITS[match[3]!]! };
}

function triggers(m: Mapping, where: string, file: string): Trigger[] {
  const names = list(m, 'triggers', where, file);
  if (!names.length) throw new UserError(`${file}: ${where}.triggers is empty`, `list any of ${TRIGGERS.join(', ')}`);
  for (const t of names)
    if (!(TRIGGERS as readonly string[]).includes(t))
      throw new UserError(
        `${file}: ${where}.triggers: unknown trigger "${t}"`,
        `did you mean "${nearest(t, TRIGGERS)}"?`,
      );
  return names as Trigger[];
}

const COMMON = ['type', 'triggers', 'rate_limit'];

function channel(name: string, raw: unknown, file: string): ChannelConfig {
  const where = `notifications.channels.${name}`;
  const typed = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Mapping)['type'] : undefined;
  const kind = typed ?? name;
  if (typeof kind !== 'string' || !(CHANNEL_KINDS as readonly string[]).includes(kind))
    throw new UserError(
      `${file}: ${where}: unknown channel type ${JSON.stringify(kind)}`,
      `name the channel ${CHANNEL_KINDS.join(', ')}, or give it type: with one of them`,
    );
  const common = (m: Mapping) => ({
    name,
    triggers: triggers(m, where, file),
    rateLimit: rateLimit(m, where, file, kind as ChannelKind),
  });
  switch (kind as ChannelKind) {
    case 'slack': {
      const m = mapping(raw, where, file, [...COMMON, 'channel', ...secretKeys('webhook_url'), ...secretKeys('token')]);
      return {
        kind: 'slack',
        ...common(m),
        channel: str(m, 'channel', where, file),
        webhookUrl: secret(m, 'webhook_url', where, file, 'CUSTOMS_SLACK_WEBHOOK_URL'),
        token: secret(m, 'token', where, file, 'CUSTOMS_SLACK_TOKEN'),
        apiUrlEnv: 'CUSTOMS_SLACK_API_URL',
      };
    }
    case 'email': {
      const m = mapping(raw, where, file, [
        ...COMMON,
        'recipients',
        'from',
        'require_tls',
        'ca_file',
        ...secretKeys('smtp_url'),
      ]);
      const recipients = list(m, 'recipients', where, file);
      if (!recipients.length)
        throw new UserError(`${file}: ${where}.recipients is empty`, 'list the addresses to mail');
      for (const r of recipients)
        if (!/^[^\s@<>,;]+@[^\s@<>,;]+$/.test(r))
          throw new UserError(`${file}: ${where}.recipients: "${r}" is not an address`);
      return {
        kind: 'email',
        ...common(m),
        recipients,
        from: str(m, 'from', where, file),
        smtpUrl: secret(m, 'smtp_url', where, file, 'CUSTOMS_SMTP_URL'),
        requireTls: bool(m, 'require_tls', where, file, true),
        caFile: str(m, 'ca_file', where, file),
      };
    }
    case 'webhook': {
      const m = mapping(raw, where, file, [...COMMON, 'format', ...secretKeys('url'), ...secretKeys('secret')]);
      const format = str(m, 'format', where, file) ?? 'cloudevents';
      if (format !== 'cloudevents' && format !== 'teams')
        throw new UserError(`${file}: ${where}.format must be cloudevents or teams, got "${format.slice(0, 40)}"`);
      // A Teams incoming webhook is a webhook in Teams' message format (an Adaptive Card), unsigned.
      if (format === 'teams') {
        if (m['secret_env'] !== undefined || m['secret_file'] !== undefined)
          throw new UserError(`${file}: ${where}: a Teams webhook is not signed; remove secret_env/secret_file`);
        return { kind: 'teams', ...common(m), url: secret(m, 'url', where, file, 'CUSTOMS_WEBHOOK_URL') };
      }
      return {
        kind: 'webhook',
        ...common(m),
        url: secret(m, 'url', where, file, 'CUSTOMS_WEBHOOK_URL'),
        secret: secret(m, 'secret', where, file, 'CUSTOMS_WEBHOOK_SECRET'),
      };
    }
    case 'teams': {
      const m = mapping(raw, where, file, [...COMMON, ...secretKeys('url')]);
      return { kind: 'teams', ...common(m), url: secret(m, 'url', where, file, 'CUSTOMS_TEAMS_WEBHOOK_URL') };
    }
  }
}

const croner = lazyRequire<typeof Croner>('croner');

/** A cron expression croner (the server's scheduler) accepts; croner is loaded only for a config that sets one. */
function cronExpression(v: string | undefined, file: string): string {
  const schedule = v ?? DEFAULT_WEEKLY_SCHEDULE;
  if (v === undefined) return schedule;
  try {
    new (croner().Cron)(schedule.slice(0, 200), { paused: true }).stop();
  } catch (e) {
    throw new UserError(
      `${file}: notifications.weekly_report.schedule is not a cron expression: ${(e as Error).message.split('\n')[0]}`,
      'five fields: minute hour day-of-month month day-of-week, e.g. "0 8 * * MON"',
    );
  }
  return schedule;
}

export function parseNotifications(raw: unknown, file: string): NotificationsConfig {
  const m = mapping(raw, 'notifications', file, ['channels', 'weekly_report', 'server_url']);
  const weekly = mapping(m['weekly_report'], 'notifications.weekly_report', file, ['schedule']);
  const channels = mapping(
    m['channels'],
    'notifications.channels',
    file,
    Object.keys((m['channels'] as Mapping) ?? {}),
  );
  const serverUrl = str(m, 'server_url', 'notifications', file);
  if (serverUrl !== undefined && !/^https?:\/\/[^\s@]+$/.test(serverUrl))
    throw new UserError(`${file}: notifications.server_url must be an http(s) URL without credentials`);
  return {
    channels: Object.entries(channels).map(([name, c]) => channel(name, c, file)),
    weeklySchedule: cronExpression(str(weekly, 'schedule', 'notifications.weekly_report', file), file),
    serverUrl,
  };
}

function httpUrl(v: string, where: string, file: string): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new UserError(`${file}: ${where} is not a URL: "${v.slice(0, 80)}"`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UserError(`${file}: ${where} must be http(s)`);
  if (u.username || u.password)
    throw new UserError(
      `${file}: ${where} holds credentials in clear`,
      'remove them; the token comes from the environment',
    );
  return v.replace(/\/+$/, '');
}

const SEVERITY_LABELS = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];

function provider(raw: unknown, i: number, file: string): DefectDojoConfig | SecurityHubConfig {
  const where = `vulnerability_tracking.providers[${i}]`;
  const name = raw !== null && typeof raw === 'object' ? (raw as Mapping)['name'] : undefined;
  if (name === 'defectdojo') {
    const m = mapping(raw, where, file, [
      'name',
      'api_url',
      'product_name',
      'product_type_name',
      'engagement_name',
      'test_title',
      'auto_create_context',
      'close_old_findings',
      'minimum_severity',
      ...secretKeys('token'),
    ]);
    const apiUrl = str(m, 'api_url', where, file);
    const productName = str(m, 'product_name', where, file);
    if (!apiUrl || !productName) throw new UserError(`${file}: ${where} (defectdojo) needs api_url and product_name`);
    const minimum = str(m, 'minimum_severity', where, file) ?? 'Info';
    if (!['Info', 'Low', 'Medium', 'High', 'Critical'].includes(minimum))
      throw new UserError(`${file}: ${where}.minimum_severity must be Info, Low, Medium, High or Critical`);
    return {
      kind: 'defectdojo',
      apiUrl: httpUrl(apiUrl, `${where}.api_url`, file),
      token: secret(m, 'token', where, file, 'CUSTOMS_DEFECTDOJO_TOKEN'),
      productName,
      productTypeName: str(m, 'product_type_name', where, file) ?? 'Container images',
      engagementName: str(m, 'engagement_name', where, file) ?? 'customs',
      testTitle: str(m, 'test_title', where, file),
      autoCreateContext: bool(m, 'auto_create_context', where, file, true),
      closeOldFindings: bool(m, 'close_old_findings', where, file, true),
      minimumSeverity: minimum,
    };
  }
  if (name === 'security_hub') {
    const m = mapping(raw, where, file, ['name', 'region', 'account_id', 'findings_filter']);
    const rawAccount = m['account_id'];
    const accountId = typeof rawAccount === 'number' || typeof rawAccount === 'string' ? String(rawAccount) : undefined;
    if (accountId !== undefined && !/^\d{12}$/.test(accountId))
      throw new UserError(`${file}: ${where}.account_id must be a 12-digit AWS account id (quote it in YAML)`);
    const filter = mapping(m['findings_filter'], `${where}.findings_filter`, file, ['ProductName', 'SeverityLabel']);
    const labels = list(filter, 'SeverityLabel', `${where}.findings_filter`, file).map((s) => s.toUpperCase());
    for (const l of labels)
      if (!SEVERITY_LABELS.includes(l))
        throw new UserError(
          `${file}: ${where}.findings_filter.SeverityLabel: "${l}" is not one of ${SEVERITY_LABELS.join(', ')}`,
        );
    return {
      kind: 'security_hub',
      region: str(m, 'region', where, file),
      accountId,
      productName: str(filter, 'ProductName', `${where}.findings_filter`, file) ?? 'customs',
      severityLabels: labels,
    };
  }
  throw new UserError(`${file}: ${where}.name must be defectdojo or security_hub, got ${JSON.stringify(name)}`);
}

export function parseTracking(raw: unknown, file: string): TrackingConfig {
  const m = mapping(raw, 'vulnerability_tracking', file, ['providers']);
  const providers = m['providers'] ?? [];
  if (!Array.isArray(providers)) throw new UserError(`${file}: vulnerability_tracking.providers must be a list`);
  const out: TrackingConfig = {};
  providers.forEach((p, i) => {
    const parsed = provider(p, i, file);
    if (parsed.kind === 'defectdojo') out.defectdojo = parsed;
    else out.securityHub = parsed;
  });
  return out;
}
