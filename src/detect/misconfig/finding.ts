/** What every configuration check shares: its rule, and the finding it makes at some lines. */
import type { Misconfiguration, Severity } from '../../model/report.js';
import type { SourceText } from './yaml-doc.js';

export interface CheckRule {
  id: string;
  title: string;
  severity: Severity;
  resolution: string;
}

export function failure(
  rule: CheckRule,
  at: { startLine: number; endLine: number },
  source: SourceText,
  f: { message: string; description: string; references: string[]; avdId?: string },
): Misconfiguration {
  return {
    id: rule.id,
    ...(f.avdId ? { avdId: f.avdId } : {}),
    title: rule.title,
    description: f.description,
    message: f.message,
    resolution: rule.resolution,
    severity: rule.severity,
    status: 'FAIL',
    references: f.references,
    cause: { ...at, snippet: source.snippet(at.startLine, at.endLine) },
  };
}
