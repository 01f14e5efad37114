/**
 * `-o` as each tool means it. Trivy's `-o FILE` is the output file; Syft's
 * and Grype's `-o FORMAT` is the format (`syft IMG -o spdx-json --file
 * sbom.json`, `syft IMG -o spdx-json=sbom.json`, `grype IMG -o json`).
 *
 * The rule, one for both: on the command line, `-o VALUE` (or `--output`)
 * is a format when VALUE is exactly a format name, customs' or Syft's and
 * Grype's (`json`, `table`, `cyclonedx-json`…), or `FORMAT=FILE`; any other
 * value is a file. A format name has no slash and no dot, so every path
 * with either (`./json`, `report.json`, `out/sarif`) stays a file: that is
 * how to write a file named like a format. From the environment or a
 * config file `output` is always a file, as Trivy's TRIVY_OUTPUT and
 * `output:` are. `--file FILE` is Syft's output file.
 */
import type { Command } from 'commander';
import { FORMATS, type FormatName } from '../api/render.js';
import { UserError } from '../util/errors.js';
import { originOf, setOrigin } from './option-origins.js';

/** Syft's and Grype's names for formats customs writes under another name. */
const FORMAT_ALIASES: ReadonlyMap<string, FormatName> = new Map([
  ['cyclonedx-json', 'cyclonedx'],
  ['spdx-tag-value', 'spdx'],
  ['spdx-tv', 'spdx'],
]);

/** Syft's and Grype's formats customs does not write: named, so `-o syft-json` is no file called that. */
const FOREIGN_FORMATS: ReadonlySet<string> = new Set([
  'syft-json',
  'syft-table',
  'syft-text',
  'github',
  'github-json',
  'purls',
  'cyclonedx-xml',
  'text',
]);

const FORMAT_LIST = FORMATS.join(', ');

/** The customs format a name stands for, or undefined when it is no format name at all. */
export function formatNamed(name: string): FormatName | undefined {
  if ((FORMATS as readonly string[]).includes(name)) return name as FormatName;
  const alias = FORMAT_ALIASES.get(name);
  if (alias) return alias;
  if (FOREIGN_FORMATS.has(name))
    throw new UserError(
      `"${name}" is a Syft/Grype format customs does not write`,
      `use one of ${FORMAT_LIST}${name === 'cyclonedx-xml' ? ' (CycloneDX is written as JSON)' : ''}`,
    );
  return undefined;
}

/** Applies the rule above to the resolved flags; returns the notes for stderr. */
export function applyOutputSpelling(cmd: Command): string[] {
  const notes: string[] = [];
  const output = cmd.getOptionValue('output') as string | undefined;
  const file = cmd.getOptionValue('file') as string | undefined;
  const formatFromCli = cmd.getOptionValueSource('format') === 'cli';
  const format = cmd.getOptionValue('format') as string;

  if (output !== undefined && cmd.getOptionValueSource('output') === 'cli') {
    const eq = output.indexOf('=');
    const name = eq > 0 ? output.slice(0, eq) : output;
    const named = formatNamed(name);
    if (named) {
      const target = eq > 0 ? output.slice(eq + 1) : undefined;
      if (formatFromCli && format !== named)
        throw new UserError(
          `-o ${output} names the format ${named}, and --format names ${format}`,
          `give one format; to write a file named ${name}, use -o ./${name}`,
        );
      if (target !== undefined && file !== undefined)
        throw new UserError(`-o ${output} and --file ${file} both name the output file`, 'give one of them');
      cmd.setOptionValueWithSource('format', named, 'cli');
      setOrigin(cmd, 'format', `-o ${name} (Syft/Grype spelling)`);
      cmd.setOptionValueWithSource('output', target ?? file, 'cli');
      setOrigin(cmd, 'output', target !== undefined ? `-o ${output}` : file !== undefined ? '--file' : 'stdout');
      notes.push(
        `-o ${output}: read as --format ${named}${target !== undefined ? ` --output ${target}` : ''}, as Syft and Grype mean it${named === 'json' ? " (Trivy's JSON layout)" : ''}; to write a file named ${name}, use -o ./${name}`,
      );
      return notes;
    }
  }
  if (file !== undefined) {
    if (output !== undefined && cmd.getOptionValueSource('output') === 'cli')
      throw new UserError(`--output ${output} and --file ${file} both name the output file`, 'give one of them');
    cmd.setOptionValueWithSource('output', file, 'cli');
    setOrigin(cmd, 'output', originOf(cmd, 'file') === 'flag' ? '--file' : originOf(cmd, 'file'));
  }
  // Commander checks --format's choices on the command line; a variable or a config file is checked here.
  if (!(FORMATS as readonly string[]).includes(format)) {
    const named = formatNamed(format);
    if (!named)
      throw new UserError(`${originOf(cmd, 'format')}: unknown format "${format}"`, `use one of ${FORMAT_LIST}`);
    cmd.setOptionValueWithSource('format', named, cmd.getOptionValueSource('format'));
  }
  return notes;
}
