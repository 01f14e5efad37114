/** What changed between two scans: packages added, removed and changed, vulnerabilities introduced and fixed. */
import { compareReports, type Comparison } from '../report/compare.js';
import type { ScanRequest } from './request.js';
import { scanReport } from './scan.js';

/** Scans both targets with the same options (every package listed) and compares the reports. */
export async function compare(older: ScanRequest, newer: ScanRequest): Promise<Comparison> {
  const oldReport = (await scanReport(older)).report;
  const newReport = (await scanReport(newer)).report;
  return compareReports(oldReport, newReport);
}

/** Compares two reports already made (the server's stored ones): nothing is scanned again. */
export { compareReports, type Comparison };
