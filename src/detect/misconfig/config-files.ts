/**
 * `customs config PATH`: finds Dockerfiles, Kubernetes manifests and Compose files in a
 * directory (or takes one file) and checks them. Bounded: files, depth and
 * size; unparsable YAML is a warning for that file, never the end of the scan.
 * Secret values in a file are masked in its findings' snippets and messages.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { isDockerfile, isYamlFile } from '../../analyzer/config/config-file.js';
import type { Result } from '../../model/report.js';
import { checkCompose, isCompose } from './compose.js';
import { checkDockerfile } from './dockerfile.js';
import { checkKubernetes } from './kubernetes.js';
import { parseYamlDocs } from './yaml-doc.js';
import { dockerfileSecretValues, maskFindings, yamlSecretValues } from './mask-secrets.js';

const MAX_FILES = 20_000;
const MAX_DEPTH = 24;
const MAX_BYTES = 4 * 1024 * 1024;
/** Findings listed per file: a generated file of one repeated mistake would otherwise make a report of hundreds of MiB. */
export const MAX_FINDINGS_PER_FILE = 10_000;
const SKIP_DIRS = new Set(['node_modules', '.git', 'vendor', '.terraform']);

function listFiles(root: string): string[] {
  if (statSync(root).isFile()) return [root];
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > MAX_DEPTH || out.length >= MAX_FILES) return;
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (out.length >= MAX_FILES) return;
      const p = join(dir, e.name);
      if (e.isDirectory() && !SKIP_DIRS.has(e.name)) walk(p, depth + 1);
      else if (e.isFile() && (isYamlFile(e.name) || isDockerfile(e.name))) out.push(p);
    }
  };
  walk(root, 0);
  return out;
}

/** `onFile` sees each file checked (its target name and text), for callers that evaluate more over it (policies). */
export function scanConfigPath(
  root: string,
  onFile?: (target: string, text: string) => void,
): { results: Result[]; warnings: string[] } {
  const results: Result[] = [];
  const warnings: string[] = [];
  for (const file of listFiles(root)) {
    const target = statSync(root).isFile() ? file : relative(root, file);
    if (statSync(file).size > MAX_BYTES) {
      warnings.push(`${target}: larger than ${MAX_BYTES} bytes; skipped`);
      continue;
    }
    const text = readFileSync(file, 'utf8');
    const found = checkConfigText(target, text, () => existsSync(join(dirname(file), '.dockerignore')));
    onFile?.(target, text);
    results.push(...found.results);
    warnings.push(...found.warnings);
  }
  return { results, warnings };
}

/**
 * The checks for one file's text: a Dockerfile by its name, otherwise YAML
 * documents recognised as Compose or Kubernetes. `target` names the file in
 * results and warnings; `hasDockerignore` is asked only for Dockerfiles.
 */
export function checkConfigText(
  target: string,
  text: string,
  hasDockerignore: () => boolean,
): { results: Result[]; warnings: string[] } {
  const results: Result[] = [];
  const warnings: string[] = [];
  const name = target.split('/').pop()!;
  if (isDockerfile(name)) {
    const found = checkDockerfile(text, { hasDockerignore: hasDockerignore() });
    results.push({
      target,
      class: 'config',
      type: 'dockerfile',
      misconfigurations: maskFindings(found, text, dockerfileSecretValues(text)),
    });
    capFindings(results, target, warnings);
    return { results, warnings };
  }
  const { docs, errors } = parseYamlDocs(text);
  for (const e of errors) warnings.push(`${target}: not valid YAML (${e}); the rest of the file is checked`);
  for (const d of docs) {
    if (isCompose(d, name)) {
      results.push({ target, class: 'config', type: 'compose', misconfigurations: checkCompose(d) });
      continue;
    }
    const k8s = checkKubernetes(d);
    if (k8s) {
      const prev = results.find((r) => r.type === 'kubernetes');
      if (prev) {
        for (const m of k8s) prev.misconfigurations!.push(m);
      } else results.push({ target, class: 'config', type: 'kubernetes', misconfigurations: k8s });
    }
  }
  // Snippets show whole containers and services, env values among them.
  const values = yamlSecretValues(docs.map((d) => d.value));
  for (const r of results) r.misconfigurations = maskFindings(r.misconfigurations ?? [], text, values);
  capFindings(results, target, warnings);
  return { results, warnings };
}

/** Keeps the first MAX_FINDINGS_PER_FILE findings of `target` (in line order) and says how many were left out. */
function capFindings(results: Result[], target: string, warnings: string[]): void {
  const mine = results.filter((r) => r.target === target);
  const total = mine.reduce((n, r) => n + (r.misconfigurations?.length ?? 0), 0);
  if (total <= MAX_FINDINGS_PER_FILE) return;
  let room = MAX_FINDINGS_PER_FILE;
  for (const r of mine) {
    const list = r.misconfigurations ?? [];
    if (list.length > room) list.length = room;
    room -= list.length;
  }
  warnings.push(
    `${target}: ${total} misconfigurations; only the first ${MAX_FINDINGS_PER_FILE} are listed (a cap against generated files)`,
  );
}
