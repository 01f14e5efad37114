/**
 * AWS Security Hub hand-off: the report's findings in ASFF
 * (report/format/asff.ts), filtered by the provider's findings_filter,
 * sent with the SDK's BatchImportFindings (loaded on first use): at most 100
 * findings a call (the API's limit), SigV4-signed by the SDK with
 * credentials from the standard chain (environment, shared files, SSO,
 * instance roles), region from the config or AWS_REGION, endpoint from
 * AWS_ENDPOINT_URL_SECURITYHUB / AWS_ENDPOINT_URL when set. Findings the
 * service lists as FailedFindings are retried (a throttled or transient
 * failure), up to RETRIES times with backoff; what still fails is reported.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type * as SecurityHub from '@aws-sdk/client-securityhub';
import { asffFindings } from '../../report/format/asff.js';
import type { JsonReport } from '../../report/format/json-layout.js';
import { lazyRequire } from '../../util/lazy-require.js';
import { UserError } from '../../util/errors.js';
import type { SecurityHubConfig } from '../config.js';

const sdk = lazyRequire<typeof SecurityHub>('@aws-sdk/client-securityhub');

export const BATCH_LIMIT = 100;
const RETRIES = 3;

export interface SecurityHubResult {
  sent: number;
  archived: number;
  failed: { id: string; code: string; message: string }[];
}

export function securityHubTarget(
  config: SecurityHubConfig,
  env: NodeJS.ProcessEnv,
): { region: string; accountId: string } {
  const region = config.region ?? (env['AWS_REGION'] || env['AWS_DEFAULT_REGION']);
  const accountId = config.accountId ?? env['AWS_ACCOUNT_ID'];
  if (!region) throw new UserError('security_hub: no region', 'set region: in the provider, or AWS_REGION');
  if (!accountId || !/^\d{12}$/.test(accountId))
    throw new UserError(
      'security_hub: no AWS account id',
      'set account_id: in the provider, or AWS_ACCOUNT_ID (12 digits)',
    );
  return { region, accountId };
}

/** The findings to send: the report's, plus those fixed since `previous`, archived; filtered by severity label. */
export function securityHubFindings(
  config: SecurityHubConfig,
  target: { region: string; accountId: string },
  report: JsonReport,
  previous?: JsonReport,
): Record<string, unknown>[] {
  const all = asffFindings(report, { ...target, productName: config.productName }, previous);
  if (!config.severityLabels.length) return all;
  return all.filter((f) => config.severityLabels.includes((f['Severity'] as { Label: string }).Label));
}

export async function pushSecurityHub(
  config: SecurityHubConfig,
  findings: Record<string, unknown>[],
  env: NodeJS.ProcessEnv,
): Promise<SecurityHubResult> {
  // customs supports Node 20 (package.json engines); the SDK's multi-line notice about its own future
  // releases would break stderr's one-line log format. A user who sets the variable keeps their choice.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const { SecurityHubClient, BatchImportFindingsCommand } = sdk();
  const target = securityHubTarget(config, env);
  const client = new SecurityHubClient({ region: target.region, maxAttempts: 4 });
  const result: SecurityHubResult = { sent: 0, archived: 0, failed: [] };
  try {
    for (let i = 0; i < findings.length; i += BATCH_LIMIT) {
      let batch = findings.slice(i, i + BATCH_LIMIT);
      for (let attempt = 0; batch.length; attempt++) {
        const out = await client.send(
          new BatchImportFindingsCommand({ Findings: batch as unknown as SecurityHub.AwsSecurityFinding[] }),
        );
        const failed = out.FailedFindings ?? [];
        const failedIds = new Set(failed.map((f) => f.Id));
        for (const f of batch)
          if (!failedIds.has(f['Id'] as string)) {
            result.sent++;
            if (f['RecordState'] === 'ARCHIVED') result.archived++;
          }
        if (!failed.length) break;
        if (attempt >= RETRIES) {
          result.failed.push(
            ...failed.map((f) => ({ id: f.Id ?? '?', code: f.ErrorCode ?? '?', message: f.ErrorMessage ?? '' })),
          );
          break;
        }
        batch = batch.filter((f) => failedIds.has(f['Id'] as string));
        await sleep(500 * 2 ** attempt);
      }
    }
  } finally {
    client.destroy();
  }
  return result;
}
