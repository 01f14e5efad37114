/** `customs fs DIR` (alias `filesystem`) and `customs repo PATH|URL` (alias `repository`), as Trivy's commands. */
import type { Command } from 'commander';
import { runScan } from '../run-scan.js';
import { addScanFlags, type ScanFlags } from '../scan-flags.js';
import { effectiveScanners } from './scan.js';

interface RepoFlags extends ScanFlags {
  branch?: string;
  tag?: string;
  commit?: string;
}

/** Trivy's fs and repo scan for vulnerabilities and secrets unless --scanners says otherwise. */
function withProjectDefaults(cmd: Command): Command {
  addScanFlags(cmd);
  cmd.setOptionValueWithSource('scanners', 'vuln,secret', 'default');
  const opt = cmd.options.find((o) => o.long === '--scanners');
  if (opt) opt.defaultValue = 'vuln,secret';
  return cmd;
}

export function registerProjectCommands(program: Command): void {
  const fs = program
    .command('fs')
    .alias('filesystem')
    .description(
      'scan a project directory (or one file): lockfiles, secrets, and with --scanners misconfig its Dockerfiles, Kubernetes and Compose files; .gitignore honoured',
    )
    .argument('<path>', 'the directory, or one lockfile');
  withProjectDefaults(fs).action(async (path: string, flags: ScanFlags, cmd: Command) => {
    await runScan({ fs: path }, { ...flags, scanners: effectiveScanners(cmd, flags) });
  });

  const repo = program
    .command('repo')
    .alias('repository')
    .description('scan a git repository: a local checkout, or a URL cloned (shallow) for the scan and removed after')
    .argument('<path|url>', 'a checkout directory, or a URL git can clone (https, ssh, git, file)')
    .option('--branch <name>', 'the branch to clone (URL only)')
    .option('--tag <name>', 'the tag to clone (URL only)')
    .option('--commit <hash>', 'the commit to check out (URL only)');
  withProjectDefaults(repo).action(async (target: string, flags: RepoFlags) => {
    await runScan(
      { repo: target, repoRevision: { branch: flags.branch, tag: flags.tag, commit: flags.commit } },
      flags,
    );
  });
}
