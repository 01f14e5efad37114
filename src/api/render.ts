/**
 * A finished scan as text in any report format, with the image config's
 * secret values masked; and as the object `--format json` writes, for
 * programs that call the library.
 */
import { redactText } from '../analyzer/secret/config.js';
import { asffTargetFromEnv, type AsffTarget } from '../report/format/asff.js';
import { renderReport, type Rendered } from '../report/format/index.js';
import type { JsonReport } from '../report/format/json-layout.js';
import { toolVersion } from '../util/tool-version.js';
import type { ScanOutcome } from './scan.js';

export const FORMATS = [
  'table',
  'json',
  'cyclonedx',
  'spdx-json',
  'spdx',
  'sarif',
  'gitlab',
  'junit',
  'openvex',
  'template',
  'html',
  'asff',
] as const;
export type FormatName = (typeof FORMATS)[number];

export interface RenderRequest {
  /** Every package in json/table output, not only vulnerable ones. */
  listAllPkgs?: boolean;
  /** Package tables in the table format (default: with listAllPkgs, or when no scanner ran). */
  listPackages?: boolean;
  /** The findings ignore rules and VEX took out. */
  showSuppressed?: boolean;
  /** Template text for the `template` format. */
  template?: string;
  /** Severity colours in the table format, for a terminal. */
  color?: boolean;
  /** The AWS account and region for `asff` (default: AWS_ACCOUNT_ID and AWS_REGION from the environment). */
  asff?: AsffTarget;
}

export function render(outcome: ScanOutcome, format: FormatName, req: RenderRequest = {}): Rendered {
  const rendered = renderReport(outcome.report, format, {
    toolName: 'customs',
    toolVersion: toolVersion(),
    listAllPkgs: req.listAllPkgs ?? false,
    listPackages: req.listPackages ?? req.listAllPkgs ?? false,
    showSuppressed: req.showSuppressed ?? false,
    template: req.template,
    color: req.color,
    asff: format === 'asff' ? (req.asff ?? asffTargetFromEnv(process.env)) : undefined,
  });
  if (!outcome.redact.length) return rendered;
  // The model is already masked; the rendered text is masked again in case a format wrote a value in a form
  // of its own. This needs the whole text, so it applies only when there are values to mask.
  return redactText(typeof rendered === 'string' ? rendered : [...rendered].join(''), outcome.redact);
}

/** The report in `--format json`'s layout (Trivy's SchemaVersion 2), as an object. */
export function toJsonReport(
  outcome: ScanOutcome,
  req: Pick<RenderRequest, 'listAllPkgs' | 'showSuppressed'> = {},
): JsonReport {
  const rendered = render(outcome, 'json', req);
  return JSON.parse(typeof rendered === 'string' ? rendered : [...rendered].join('')) as JsonReport;
}
