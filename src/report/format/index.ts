/** Picks the renderer for `--format`. Renderers only render the report model. */
import type { Report } from '../../model/report.js';
import { renderAsff, type AsffTarget } from './asff.js';
import { renderHtml } from './html.js';
import { renderCycloneDx } from './cyclonedx.js';
import { renderGitlab } from './gitlab.js';
import { renderJsonChunks } from './json.js';
import { renderJunit } from './junit.js';
import { renderOpenVex } from './openvex.js';
import { renderSarif } from './sarif.js';
import { renderSpdxJson } from './spdx-json.js';
import { renderSpdxTag } from './spdx-tag.js';
import { renderTableReport } from './table.js';
import { renderTemplate } from './template.js';

export interface RenderOptions {
  toolName: string;
  toolVersion: string;
  listAllPkgs: boolean;
  listPackages: boolean;
  showSuppressed?: boolean;
  /** The template text for `--format template`. */
  template?: string;
  now?: Date;
  /** Severity colours in the table (for a terminal). */
  color?: boolean;
  /** The AWS account and region for `--format asff`. */
  asff?: AsffTarget;
}

/** The rendered report: its text, or (for the formats that can) its text in pieces to write as they come. */
export type Rendered = string | Iterable<string>;

export function renderReport(report: Report, format: string, opts: RenderOptions): Rendered {
  const fo = { toolName: opts.toolName, toolVersion: opts.toolVersion, now: opts.now };
  switch (format) {
    case 'json':
      return renderJsonChunks(report, { listAllPkgs: opts.listAllPkgs, showSuppressed: opts.showSuppressed });
    case 'table':
      return renderTableReport(report, {
        listPackages: opts.listPackages,
        showSuppressed: opts.showSuppressed,
        color: opts.color,
      });
    case 'cyclonedx':
      return renderCycloneDx(report, fo);
    case 'spdx-json':
      return renderSpdxJson(report, fo);
    case 'spdx':
      return renderSpdxTag(report, fo);
    case 'sarif':
      return renderSarif(report, fo);
    case 'gitlab':
      return renderGitlab(report, fo);
    case 'junit':
      return renderJunit(report, fo);
    case 'openvex':
      return renderOpenVex(report, fo);
    case 'html':
      return renderHtml(report, fo);
    case 'asff':
      if (!opts.asff) throw new Error('--format asff needs the AWS account and region');
      return renderAsff(report, { ...opts.asff, now: opts.now?.toISOString() });
    case 'template':
      return renderTemplate(report, opts.template ?? '', opts.listAllPkgs);
    default:
      throw new Error(`unknown format ${format}`);
  }
}
