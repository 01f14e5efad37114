/**
 * `--format template --template @FILE|TEXT`, checked before the scan: the
 * template is read and parsed at once, and a Go template (Trivy's, such as
 * `@contrib/gitlab.tpl` or `{{ range . }}…`) gets one line saying customs'
 * templates are Handlebars and which built-in format replaces Trivy's
 * contrib template, instead of a parse error after a 20-second scan.
 */
import { basename } from 'node:path';
import { checkTemplate, loadTemplate } from '../report/format/template.js';
import { UserError } from '../util/errors.js';

/** Trivy's contrib templates and what customs has in their place. */
const CONTRIB_REPLACEMENTS: ReadonlyMap<string, string> = new Map([
  ['gitlab.tpl', 'use -f gitlab (GitLab container-scanning report)'],
  ['junit.tpl', 'use -f junit'],
  ['sarif.tpl', 'use -f sarif'],
  ['html.tpl', 'use -f html (one self-contained page)'],
  ['asff.tpl', 'use -f asff (AWS Security Finding Format; needs AWS_ACCOUNT_ID and AWS_REGION)'],
  ['gitlab-codequality.tpl', 'customs has no Code Quality format: use -f gitlab for the security dashboard'],
]);

const ALL_REPLACEMENTS =
  'Trivy contrib templates: gitlab.tpl -> -f gitlab, junit.tpl -> -f junit, sarif.tpl -> -f sarif, html.tpl -> -f html, asff.tpl -> -f asff';

/**
 * Go's template actions that Handlebars has no form of: `{{-`/`-}}` trims,
 * `{{ .Field }}`, `{{ $x := … }}`, and the keywords range/end/with/define/template/block.
 * Each test is one bounded regex over at most the text's length, with no nested quantifiers.
 */
const GO_SYNTAX =
  /\{\{-\s|\s-\}\}|\{\{-?\s*(?:\.[A-Za-z]|\$[A-Za-z_]\w*\s*:?=|(?:range|end|with|define|template|block)\b)/;

function goTemplateError(what: string, file: string | undefined): UserError {
  const replacement = file ? CONTRIB_REPLACEMENTS.get(basename(file)) : undefined;
  return new UserError(
    `${what} is a Go template (Trivy's); customs templates are Handlebars`,
    replacement ? `${basename(file!)}: ${replacement}` : ALL_REPLACEMENTS,
  );
}

/** The template text for `--template`, read and parsed; a Go template or a broken one is a one-line error. */
export function loadCheckedTemplate(spec: string | undefined): string {
  const file = spec?.startsWith('@') ? spec.slice(1) : undefined;
  // Trivy's contrib templates, wherever its package put them, are Go: no need to read them to say so.
  if (file && (CONTRIB_REPLACEMENTS.has(basename(file)) || /(^|\/)(contrib|trivy\/templates)\/[^/]*\.tpl$/.test(file)))
    throw goTemplateError(`--template ${spec}`, file);
  const text = loadTemplate(spec);
  if (GO_SYNTAX.test(text)) throw goTemplateError(file ? `--template ${spec}` : 'the --template text', file);
  checkTemplate(text);
  return text;
}
