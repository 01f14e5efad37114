/**
 * Misconfigurations of a directory's configuration files (Dockerfiles,
 * Kubernetes manifests, Compose files): the texts the config-file analyzer
 * kept during the one walk of the tree, checked by detect/misconfig as
 * `customs config` checks them. Targets are paths relative to the directory.
 */
import { checkConfigText } from '../detect/misconfig/config-files.js';
import type { Artifact } from '../model/artifact.js';
import type { Result } from '../model/report.js';

export function configFileResults(artifact: Artifact): { results: Result[]; warnings: string[] } {
  const facts = artifact.merged.current.filter((f) => f.analyzer === 'config-file');
  const dockerignored = new Set<string>();
  for (const f of facts)
    if (f.history.at(-1)?.output?.extra?.['dockerignore'] === true)
      dockerignored.add(f.path.split('/').slice(0, -1).join('/'));
  const results: Result[] = [];
  const warnings: string[] = [];
  for (const f of facts) {
    const text = f.history.at(-1)?.output?.extra?.['configText'];
    if (typeof text !== 'string') continue;
    const dir = f.path.split('/').slice(0, -1).join('/');
    const found = checkConfigText(f.path, text, () => dockerignored.has(dir));
    results.push(...found.results);
    warnings.push(...found.warnings);
  }
  results.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
  return { results, warnings };
}
