/** `--format spdx-json`: SPDX 2.3 JSON. */
import type { Report } from '../../model/report.js';
import type { FormatOptions } from './options.js';
import { buildSpdxDocument } from './spdx-document.js';

export function renderSpdxJson(report: Report, opts: FormatOptions): string {
  return JSON.stringify(buildSpdxDocument(report, opts), null, 2) + '\n';
}
