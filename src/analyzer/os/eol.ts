/**
 * End-of-life dates of OS releases: the day the distribution (including its
 * own long-term support, not paid extensions) stops shipping security fixes.
 * Table as of 2026-11-24. Sources, per family:
 * - Debian: https://wiki.debian.org/LTS and https://www.debian.org/releases/ (LTS end dates)
 * - Ubuntu: https://wiki.ubuntu.com/Releases (end of standard support)
 * - Alpine: https://alpinelinux.org/releases/ (end of support of each branch)
 * - RHEL: https://access.redhat.com/support/policy/updates/errata (end of maintenance support)
 * - CentOS: https://www.centos.org/centos-linux-eol/
 * - Rocky / AlmaLinux: https://wiki.rockylinux.org/rocky/version/ , https://wiki.almalinux.org/release-notes/
 * - Amazon Linux: https://aws.amazon.com/amazon-linux-2/faqs/ , https://docs.aws.amazon.com/linux/al2023/ug/release-cadence.html
 * - Fedora: https://docs.fedoraproject.org/en-US/releases/eol/
 */
import type { OSInfo } from '../../model/os.js';

type Table = Record<string, string>;

const EOL: Record<string, Table> = {
  debian: {
    '7': '2018-05-31',
    '8': '2020-06-30',
    '9': '2022-06-30',
    '10': '2024-06-30',
    '11': '2026-08-31',
    '12': '2028-06-30',
    '13': '2030-06-30',
  },
  ubuntu: {
    '14.04': '2019-04-30',
    '16.04': '2021-04-30',
    '18.04': '2023-05-31',
    '20.04': '2025-05-29',
    '22.04': '2027-06-01',
    '24.04': '2029-05-31',
    '22.10': '2023-07-20',
    '23.04': '2024-01-25',
    '23.10': '2024-07-11',
    '24.10': '2025-07-10',
    '25.04': '2026-01-15',
    '25.10': '2026-07-09',
  },
  alpine: {
    '3.10': '2021-05-01',
    '3.11': '2021-11-01',
    '3.12': '2022-05-01',
    '3.13': '2022-11-01',
    '3.14': '2023-05-01',
    '3.15': '2023-11-01',
    '3.16': '2024-05-23',
    '3.17': '2024-11-22',
    '3.18': '2025-05-09',
    '3.19': '2025-11-01',
    '3.20': '2026-04-01',
    '3.21': '2026-11-01',
    '3.22': '2027-05-01',
    '3.23': '2027-11-01',
  },
  redhat: { '6': '2020-11-30', '7': '2024-06-30', '8': '2029-05-31', '9': '2032-05-31', '10': '2035-05-31' },
  centos: { '6': '2020-11-30', '7': '2024-06-30', '8': '2021-12-31' },
  rocky: { '8': '2029-05-31', '9': '2032-05-31', '10': '2035-05-31' },
  alma: { '8': '2029-03-01', '9': '2032-05-31', '10': '2035-05-31' },
  amazon: { '1': '2023-12-31', '2': '2026-06-30', '2023': '2029-06-30' },
  fedora: {
    '37': '2023-12-05',
    '38': '2024-05-21',
    '39': '2024-11-26',
    '40': '2025-05-13',
    '41': '2025-12-15',
    '42': '2026-05-13',
  },
};

/** The key a release is listed under: Debian/RHEL by major, Ubuntu/Alpine by major.minor. */
function releaseKey(os: OSInfo): string {
  const v = os.versionId ?? os.name;
  const parts = v.split('.');
  switch (os.family) {
    case 'ubuntu':
    case 'alpine':
      return parts.slice(0, 2).join('.');
    case 'amazon':
      return parts[0] === '2' || parts[0] === '2023' || parts[0] === '1'
        ? parts[0]
        : v.startsWith('2018')
          ? '1'
          : parts[0]!;
    default:
      return parts[0]!;
  }
}

export function eolInfo(os: OSInfo, now: Date): { eolDate?: string; eosl: boolean } {
  const date = EOL[os.family]?.[releaseKey(os)];
  if (!date) return { eosl: false };
  return { eolDate: date, eosl: now.getTime() > Date.parse(`${date}T23:59:59Z`) };
}
