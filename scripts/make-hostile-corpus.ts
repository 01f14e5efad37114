/**
 * Writes the hostile-input corpus (test/hostile/corpus/cases.ts) into a folder,
 * to inspect it or to point another scanner at it:
 *   npm run build && node dist/scripts/make-hostile-corpus.js DIR [CASE...]
 */
import { writeCorpus } from '../test/hostile/corpus-dir.js';

const [out, ...names] = process.argv.slice(2);
if (!out) {
  process.stderr.write('usage: node dist/scripts/make-hostile-corpus.js DIR [CASE...]\n');
  process.exit(2);
}
const wanted = new Set(names);
await writeCorpus(out, wanted.size ? (n) => wanted.has(n) : undefined);
process.stderr.write(`hostile corpus written to ${out}\n`);
