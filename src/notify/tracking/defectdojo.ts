/**
 * DefectDojo API v2 hand-off. customs' JSON report is Trivy's layout, so it
 * goes up as scan_type "Trivy Scan", which DefectDojo's own Trivy parser
 * reads. One test per image repository: the first push imports
 * (`POST /api/v2/import-scan/`, product and engagement created when
 * auto_create_context), every later one re-imports into that test
 * (`POST /api/v2/reimport-scan/`), so fixed findings close and new ones
 * open in the same place. Which of the two is found by asking DefectDojo
 * for the test (products → engagements → tests, filtered by name), so a CI
 * job needs no memory of its own. Auth: `Authorization: Token <key>`
 * (https://documentation.defectdojo.com/api/api-v2-docs/).
 */
import type { DefectDojoConfig } from '../config.js';
import type { JsonReport } from '../../report/format/json-layout.js';
import { repositoryOf } from '../events.js';
import { DeliveryError } from '../channels/http.js';

const TIMEOUT_MS = 120_000;

export const DEFECTDOJO_SCAN_TYPE = 'Trivy Scan';

export interface DojoUpload {
  endpoint: 'import-scan' | 'reimport-scan';
  fields: Record<string, string>;
  fileName: string;
}

export interface DojoResult {
  endpoint: DojoUpload['endpoint'];
  test?: number;
  /** DefectDojo's statistics of the import, when it returns them. */
  statistics?: unknown;
}

function testTitle(config: DefectDojoConfig, report: JsonReport): string {
  return config.testTitle ?? repositoryOf(report);
}

/** The multipart fields of the upload; `testId` set means re-import into that test. */
export function dojoUpload(config: DefectDojoConfig, report: JsonReport, testId?: number): DojoUpload {
  const common = {
    scan_type: DEFECTDOJO_SCAN_TYPE,
    minimum_severity: config.minimumSeverity,
    active: 'true',
    verified: 'false',
    close_old_findings: String(config.closeOldFindings),
    scan_date: report.CreatedAt.slice(0, 10),
  };
  if (testId !== undefined)
    return { endpoint: 'reimport-scan', fileName: 'customs-report.json', fields: { ...common, test: String(testId) } };
  return {
    endpoint: 'import-scan',
    fileName: 'customs-report.json',
    fields: {
      ...common,
      product_name: config.productName,
      product_type_name: config.productTypeName,
      engagement_name: config.engagementName,
      test_title: testTitle(config, report),
      auto_create_context: String(config.autoCreateContext),
      deduplication_on_engagement: 'true',
    },
  };
}

async function dojoFetch(
  config: DefectDojoConfig,
  token: string,
  path: string,
  init: RequestInit = {},
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${config.apiUrl}/api/v2/${path}`, {
      ...init,
      redirect: 'error',
      headers: { authorization: `Token ${token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    const cause = (e as Error).cause as NodeJS.ErrnoException | undefined;
    throw new DeliveryError(
      `DefectDojo ${path.split('?')[0]}: ${cause?.code ?? (e as Error).name}: ${cause?.message ?? (e as Error).message}`,
    );
  }
  const text = (await res.text()).slice(0, 1_000_000);
  if (!res.ok)
    throw new DeliveryError(
      `DefectDojo ${path.split('?')[0]}: HTTP ${res.status}: ${text.replace(/\s+/g, ' ').slice(0, 300)}`,
    );
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DeliveryError(`DefectDojo ${path.split('?')[0]}: the answer is not JSON`);
  }
}

const firstId = (page: unknown): number | undefined => {
  const r = (page as { results?: { id?: unknown }[] }).results?.[0]?.id;
  return typeof r === 'number' ? r : undefined;
};

/** The test an earlier push made for this repository, if DefectDojo has it. */
export async function findTest(
  config: DefectDojoConfig,
  token: string,
  report: JsonReport,
): Promise<number | undefined> {
  const q = (o: Record<string, string>) => new URLSearchParams(o).toString();
  const product = firstId(await dojoFetch(config, token, `products/?${q({ name: config.productName })}`));
  if (product === undefined) return undefined;
  const engagement = firstId(
    await dojoFetch(config, token, `engagements/?${q({ product: String(product), name: config.engagementName })}`),
  );
  if (engagement === undefined) return undefined;
  return firstId(
    await dojoFetch(config, token, `tests/?${q({ engagement: String(engagement), title: testTitle(config, report) })}`),
  );
}

export async function pushDefectDojo(
  config: DefectDojoConfig,
  token: string,
  report: JsonReport,
  reportText: string,
): Promise<DojoResult> {
  const test = await findTest(config, token, report);
  const upload = dojoUpload(config, report, test);
  const form = new FormData();
  for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
  form.append('file', new Blob([reportText], { type: 'application/json' }), upload.fileName);
  const answer = (await dojoFetch(config, token, `${upload.endpoint}/`, { method: 'POST', body: form })) as {
    test?: number;
    test_id?: number;
    statistics?: unknown;
  };
  return { endpoint: upload.endpoint, test: answer.test_id ?? answer.test ?? test, statistics: answer.statistics };
}
