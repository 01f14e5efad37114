/**
 * Licences stated in prose: Debian copyright files that are not DEP-5
 * ("the GNU Lesser General Public License, version 2.1 (or, at your option,
 * any later version)"), licence names in pom.xml. Trivy runs Google's
 * licenseclassifier over such text; no maintained npm package does the same
 * (the npm list holds licence *checkers* that read package.json, and
 * abandoned sniffers), so this is written here, kept small and bounded: the
 * text is cut to MAX_TEXT_CHARS, split once into word tokens, and each token
 * is looked up in a table of phrase starts, with at most a fixed window of
 * tokens read after a match. Work is linear in the text.
 *
 * It recognises licence names and the signature sentences of the common
 * licence texts and headers; it never guesses from a single common word
 * (a bare "BSD" or "license" names nothing).
 */

/** Longest text read; a copyright file states its licences well before this. */
export const MAX_TEXT_CHARS = 256 * 1024;
/** Tokens searched after a licence name for its version. */
const VERSION_WINDOW = 16;
/** Tokens searched after a version for "or (at your option) any later version". */
const LATER_WINDOW = 10;
/** Tokens after the BSD redistribution sentence searched for its third and fourth clauses. */
const BSD_WINDOW = 160;

interface Family {
  /** SPDX stem (`LGPL`) and the versions the family had, as texts write them → as SPDX writes them. */
  stem: string;
  versions: Record<string, string>;
  /** GNU licences distinguish `-only` and `-or-later`; one named without a version means any version. */
  gnu?: boolean;
  /** A bare mention with no version names nothing (Apache, MPL: every version differs). */
  needsVersion?: boolean;
  /** What a versionless mention means, when not the GNU "any version". */
  bare?: string;
}

const FAMILIES = {
  gpl: { stem: 'GPL', gnu: true, versions: { 1: '1.0', '1.0': '1.0', 2: '2.0', '2.0': '2.0', 3: '3.0', '3.0': '3.0' } },
  lgpl: { stem: 'LGPL', gnu: true, versions: { 2: '2.0', '2.0': '2.0', '2.1': '2.1', 3: '3.0', '3.0': '3.0' } },
  agpl: { stem: 'AGPL', gnu: true, versions: { 1: '1.0', '1.0': '1.0', 3: '3.0', '3.0': '3.0' } },
  gfdl: { stem: 'GFDL', gnu: true, versions: { '1.1': '1.1', '1.2': '1.2', '1.3': '1.3' } },
  apache: { stem: 'Apache', needsVersion: true, versions: { '1.0': '1.0', '1.1': '1.1', 2: '2.0', '2.0': '2.0' } },
  mpl: { stem: 'MPL', needsVersion: true, versions: { '1.0': '1.0', '1.1': '1.1', 2: '2.0', '2.0': '2.0' } },
  epl: { stem: 'EPL', needsVersion: true, versions: { 1: '1.0', '1.0': '1.0', 2: '2.0', '2.0': '2.0' } },
  // Debian's and Perl's "the Artistic License" is the Perl one.
  artistic: {
    stem: 'Artistic',
    versions: { 1: '1.0', '1.0': '1.0', 2: '2.0', '2.0': '2.0' },
    bare: 'Artistic-1.0-Perl',
  },
} satisfies Record<string, Family>;
type FamilyName = keyof typeof FAMILIES;

function familyId(family: Family, version: string): string | undefined {
  const v = family.versions[version];
  return v ? `${family.stem}-${v}` : undefined;
}

/** A phrase (tokens) and what it names: a family whose version follows, a fixed id, or a rule needing context. */
type Rule =
  | { phrase: string[]; family: FamilyName }
  | { phrase: string[]; ids: string[] }
  | { phrase: string[]; special: 'bsd-text' | 'isc-text' | 'hpnd-text' };

const w = (s: string): string[] => s.split(' ');
const RULES: Rule[] = [
  ...['gnu general public license', 'gnu gpl', 'gpl'].map((p) => ({ phrase: w(p), family: 'gpl' as const })),
  ...[
    'gnu lesser general public license',
    'gnu library general public license',
    'lesser general public license',
    'library general public license',
    'gnu lgpl',
    'lgpl',
  ].map((p) => ({ phrase: w(p), family: 'lgpl' as const })),
  ...['gnu affero general public license', 'affero general public license', 'agpl'].map((p) => ({
    phrase: w(p),
    family: 'agpl' as const,
  })),
  ...['gnu free documentation license', 'gfdl'].map((p) => ({ phrase: w(p), family: 'gfdl' as const })),
  { phrase: w('apache'), family: 'apache' },
  ...['mozilla public license', 'mpl'].map((p) => ({ phrase: w(p), family: 'mpl' as const })),
  ...['eclipse public license', 'epl'].map((p) => ({ phrase: w(p), family: 'epl' as const })),
  { phrase: w('artistic license'), family: 'artistic' },
  { phrase: w('artistic license 1.0 perl'), ids: ['Artistic-1.0-Perl'] },
  { phrase: w('same terms as perl itself'), ids: ['Artistic-1.0-Perl', 'GPL-1.0-or-later'] },
  ...['mit license', 'expat license', 'mit x11'].map((p) => ({ phrase: w(p), ids: ['MIT'] })),
  { phrase: w('permission is hereby granted free of charge to any person obtaining a copy'), ids: ['MIT'] },
  ...[
    'bsd 3 clause',
    '3 clause bsd',
    'three clause bsd',
    'new bsd license',
    'modified bsd license',
    'revised bsd license',
  ].map((p) => ({ phrase: w(p), ids: ['BSD-3-Clause'] })),
  ...['bsd 2 clause', '2 clause bsd', 'two clause bsd', 'simplified bsd license', 'freebsd license'].map((p) => ({
    phrase: w(p),
    ids: ['BSD-2-Clause'],
  })),
  ...['bsd 4 clause', '4 clause bsd', 'four clause bsd', 'original bsd license'].map((p) => ({
    phrase: w(p),
    ids: ['BSD-4-Clause'],
  })),
  ...['bsd 0 clause', '0 clause bsd', 'zero clause bsd'].map((p) => ({ phrase: w(p), ids: ['0BSD'] })),
  // "…binary forms, with or without modification, are permitted"; some insert "of the software as well as documentation".
  { phrase: w('redistribution and use in source and binary forms'), special: 'bsd-text' },
  { phrase: w('isc license'), ids: ['ISC'] },
  {
    phrase: w(
      'permission to use copy modify and or distribute this software for any purpose with or without fee is hereby granted',
    ),
    special: 'isc-text',
  },
  {
    phrase: w(
      'permission to use copy modify and distribute this software for any purpose with or without fee is hereby granted',
    ),
    special: 'isc-text',
  },
  // X.Org's and fontconfig's grant; the Open Group's adds the clause on its name.
  {
    phrase: w(
      'permission to use copy modify distribute and sell this software and its documentation for any purpose is hereby granted without fee',
    ),
    special: 'hpnd-text',
  },
  {
    phrase: w(
      'permission to use copy modify and distribute this software and its documentation for any purpose and without fee is hereby granted',
    ),
    ids: ['HPND'],
  },
  { phrase: w('info zip license'), ids: ['Info-ZIP'] },
  ...['zlib license', 'zlib libpng license'].map((p) => ({ phrase: w(p), ids: ['Zlib'] })),
  { phrase: w('altered source versions must be plainly marked as such'), ids: ['Zlib'] },
  { phrase: w('boost software license'), ids: ['BSL-1.0'] },
  { phrase: w('python software foundation license'), ids: ['PSF-2.0'] },
  { phrase: w('openssl license'), ids: ['OpenSSL'] },
  ...['cc0', 'creative commons zero'].map((p) => ({ phrase: w(p), ids: ['CC0-1.0'] })),
  { phrase: w('this is free and unencumbered software released into the public domain'), ids: ['Unlicense'] },
  { phrase: w('public domain'), ids: ['LicenseRef-public-domain'] },
  { phrase: w('fsf all permissive license'), ids: ['FSFAP'] },
  ...['wtfpl', 'do what the fuck you want to public license'].map((p) => ({ phrase: w(p), ids: ['WTFPL'] })),
];

/** Rules indexed by their first token: one map lookup per token of the text. */
const BY_FIRST = new Map<string, Rule[]>();
for (const r of RULES) {
  const list = BY_FIRST.get(r.phrase[0]!) ?? [];
  list.push(r);
  list.sort((a, b) => b.phrase.length - a.phrase.length); // longest phrase first: "gnu gpl" before "gnu …"
  BY_FIRST.set(r.phrase[0]!, list);
}

/**
 * Lower-case word tokens: `GPL-2+` → `gpl`, `2+`; `version 2.1,` → `version`, `2.1`;
 * British `licence` read as `license`. Dots stay inside version numbers only.
 */
export function tokenise(text: string): string[] {
  const out: string[] = [];
  for (const raw of text
    .slice(0, MAX_TEXT_CHARS)
    .toLowerCase()
    .split(/[^a-z0-9.+]+/)) {
    const t = trimDots(raw);
    if (!t) continue;
    out.push(t === 'licence' ? 'license' : t === 'licences' ? 'licenses' : t);
  }
  return out;
}

/** `2.1.` → `2.1`, by index: a regex anchored at the end would rescan a long run of dots from every position. */
function trimDots(s: string): string {
  let a = 0,
    b = s.length;
  while (a < b && s.charCodeAt(a) === 46) a++;
  while (b > a && s.charCodeAt(b - 1) === 46) b--;
  return s.slice(a, b);
}

function matchesAt(tokens: string[], i: number, phrase: string[]): boolean {
  for (let k = 0; k < phrase.length; k++) if (tokens[i + k] !== phrase[k]) return false;
  return true;
}

/** A version token: `2`, `2.1`, `v3`, `2+`, `3.0-or-later` already split. */
const VERSION = /^v?(\d{1,2}(?:\.\d{1,2})?)(\+?)$/;
/** Words that end the search for a licence's version (besides another licence's name): the end of its statement. */
const STOP = new Set(['bsd', 'mit', 'copyright', 'files']);

/** True where a new statement begins: a stop word or another licence's name ("the Artistic License or the GNU GPL (v1)"). */
function stopsAt(tokens: string[], i: number): boolean {
  const t = tokens[i]!;
  return STOP.has(t) || (BY_FIRST.get(t)?.some((r) => matchesAt(tokens, i, r.phrase)) ?? false);
}

/** The version stated within a few tokens after a licence name, and whether "or later" follows it. */
function versionAfter(tokens: string[], from: number, family: Family): { version?: string; orLater: boolean } {
  const end = Math.min(tokens.length, from + VERSION_WINDOW);
  for (let i = from; i < end; i++) {
    if (stopsAt(tokens, i)) break;
    const m = VERSION.exec(tokens[i]!);
    if (!m || familyId(family, m[1]!) === undefined) continue;
    if (m[2]) return { version: m[1], orLater: true };
    return { version: m[1], orLater: laterFollows(tokens, i + 1) };
  }
  return { orLater: false };
}

/** "or later", "or (at your option) any later version", "or newer", "+". */
function laterFollows(tokens: string[], from: number): boolean {
  const end = Math.min(tokens.length, from + LATER_WINDOW);
  for (let i = from; i < end; i++) {
    const t = tokens[i]!;
    if (t === 'only' || stopsAt(tokens, i)) return false;
    if ((t === 'later' || t === 'newer' || t === 'greater') && ['or', 'any', 'and'].includes(tokens[i - 1] ?? ''))
      return true;
  }
  return false;
}

function phraseWithin(tokens: string[], from: number, window: number, phrase: string[]): boolean {
  const end = Math.min(tokens.length - phrase.length + 1, from + window);
  for (let i = from; i < end; i++) if (matchesAt(tokens, i, phrase)) return true;
  return false;
}

/** The BSD licence text: its clause count decides which one (endorsement clause → 3, advertising clause → 4). */
function bsdVariant(tokens: string[], from: number): string {
  if (phraseWithin(tokens, from, BSD_WINDOW, w('all advertising materials mentioning features'))) return 'BSD-4-Clause';
  const endorse = phraseWithin(
    tokens,
    from,
    BSD_WINDOW,
    w('to endorse or promote products derived from this software'),
  );
  return endorse ? 'BSD-3-Clause' : 'BSD-2-Clause';
}

/** ISC requires the notice be kept ("provided that the above copyright notice…"); 0BSD is the same grant without it. */
function iscVariant(tokens: string[], from: number): string {
  return phraseWithin(tokens, from, 3, ['provided', 'that']) ? 'ISC' : '0BSD';
}

/** The Open Group's variant keeps its name out of advertising ("Except as contained in this notice, the name of…"). */
function hpndVariant(tokens: string[], from: number): string {
  return phraseWithin(tokens, from, BSD_WINDOW, w('except as contained in this notice the name of'))
    ? 'MIT-open-group'
    : 'HPND-sell-variant';
}

const SPECIAL = { 'bsd-text': bsdVariant, 'isc-text': iscVariant, 'hpnd-text': hpndVariant };

/**
 * The SPDX ids of the licences a text states, in order of first mention.
 * A GNU licence stated both as `-only` and `-or-later` of one version counts
 * as `-or-later`: Debian files say "version 2 or later" and then point at the
 * version 2 text.
 */
export function classifyLicenseText(text: string): string[] {
  const tokens = tokenise(text);
  // A versionless GNU/Artistic mention holds its place until the end tells whether a version of it was stated.
  const found: (string | { bare: FamilyName })[] = [];
  for (let i = 0; i < tokens.length;) {
    const rules = BY_FIRST.get(tokens[i]!);
    const rule = rules?.find((r) => matchesAt(tokens, i, r.phrase));
    if (!rule) {
      i++;
      continue;
    }
    const next = i + rule.phrase.length;
    if ('ids' in rule) found.push(...rule.ids);
    else if ('special' in rule) found.push(SPECIAL[rule.special](tokens, next));
    else {
      const family: Family = FAMILIES[rule.family];
      const { version, orLater } = versionAfter(tokens, next, family);
      const id = version === undefined ? undefined : familyId(family, version);
      if (version === undefined) {
        if (!family.needsVersion) found.push({ bare: rule.family });
      } else if (id) found.push(family.gnu ? `${id}-${orLater ? 'or-later' : 'only'}` : id);
    }
    i = next;
  }
  // "see the GNU General Public License" counts only when no version of it was stated anywhere.
  const statedStems = new Set(found.flatMap((x) => (typeof x === 'string' ? [x.split('-')[0]] : [])));
  const ids = found.flatMap((x) => {
    if (typeof x === 'string') return [x];
    const family: Family = FAMILIES[x.bare];
    if (statedStems.has(family.stem)) return [];
    return [family.bare ?? `${family.stem}-${Object.values(family.versions)[0]}-or-later`];
  });
  return preferOrLater(ids);
}

/** Unique ids, first mention first, with `X-only` dropped where `X-or-later` is also stated. */
export function preferOrLater(ids: string[]): string[] {
  const unique = [...new Set(ids)];
  return unique.filter((id) => !(id.endsWith('-only') && unique.includes(id.replace(/-only$/, '-or-later'))));
}
