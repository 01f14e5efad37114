/**
 * Configuration files of a project directory (Dockerfiles, Kubernetes
 * manifests, Compose files: any YAML), kept as text for the checks in
 * detect/misconfig, which run after the walk; and `.dockerignore`, whose
 * presence one Dockerfile check asks about. Run for directory targets
 * only (fs, repo, rootfs), with `--scanners misconfig`.
 */
import type { Analyzer } from '../types.js';
import { MiB } from '../types.js';

/** Larger files are skipped with a warning: the checks are linear, but a report of a generated file is not useful. */
export const MAX_CONFIG_FILE_BYTES = 4 * MiB;

/** Directories of vendored or fetched code, not the project's own configuration. */
const NOT_THE_PROJECTS = new Set(['node_modules', '.git', 'vendor', '.terraform']);

export const isDockerfile = (name: string): boolean =>
  /^(?:Dockerfile|Containerfile)(?:\.[\w.-]+)?$|\.(?:dockerfile|Dockerfile)$/.test(name);

export const isYamlFile = (name: string): boolean => /\.ya?ml$/i.test(name);

export const configFileAnalyzer: Analyzer = {
  name: 'config-file',
  version: 1,
  maxFileSize: MAX_CONFIG_FILE_BYTES,
  required(path) {
    const segs = path.split('/');
    const name = segs.at(-1)!;
    if (!(isDockerfile(name) || isYamlFile(name) || name === '.dockerignore')) return false;
    return !segs.slice(0, -1).some((s) => NOT_THE_PROJECTS.has(s));
  },
  analyze(file) {
    const name = file.path.split('/').at(-1)!;
    if (name === '.dockerignore') return { extra: { dockerignore: true } };
    return { extra: { configText: file.content.toString('utf8') } };
  },
};
