/** The operating system of an image, as detected from its release files. */
export interface OSInfo {
  /** Lower-case family: `debian`, `ubuntu`, `alpine`, `redhat`, `centos`, `rocky`, `alma`, `fedora`, `amazon`, `opensuse`, `wolfi`, `chainguard`, `distroless`… */
  family: string;
  /** Release as the distribution writes it (`12.7`, `3.20.3`, `22.04`). */
  name: string;
  /** `VERSION_ID` of os-release when known (`12`, `3.20.3`, `22.04`): used in purl `distro` qualifiers. */
  versionId?: string;
  /** Distribution codename when known (`bookworm`). */
  codename?: string;
  /** True when the release is past its end of life per the EOL table. */
  eosl?: boolean;
  /** End-of-life date of the release (ISO), when known. */
  eolDate?: string;
}
