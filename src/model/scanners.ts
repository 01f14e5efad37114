/** The scanners a scan can run, by the names `--scanners` takes. */
export type ScannerName = 'vuln' | 'secret' | 'misconfig' | 'license';
export const SCANNER_NAMES: readonly ScannerName[] = ['vuln', 'secret', 'misconfig', 'license'];
