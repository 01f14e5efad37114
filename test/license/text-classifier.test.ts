/**
 * The prose licence classifier on real copyright files (fixtures/os/SOURCE.md)
 * and on the standard notices the licences themselves tell authors to use.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { licensesFromName, spdxFromUrl } from '../../src/license/name.js';
import { classifyLicenseText, MAX_TEXT_CHARS, tokenise } from '../../src/license/text-classifier.js';
import { fixture } from '../support/paths.js';

test('libcrypt1 (not DEP-5): its overall LGPL-2.1-or-later first, then every licence its inventory names', () => {
  const text = readFileSync(fixture('os', 'copyright', 'libcrypt1'), 'utf8');
  assert.deepEqual(classifyLicenseText(text), [
    'LGPL-2.1-or-later',
    'BSD-3-Clause',
    'LicenseRef-public-domain',
    '0BSD',
    'BSD-2-Clause',
    'GPL-3.0-or-later',
    'FSFAP',
    'GPL-2.0-or-later',
  ]);
});

test('GNU notices: version, "or (at your option) any later version", and the pointer to the version text', () => {
  const gpl2plus =
    "This program is free software; you can redistribute it and/or modify it under the terms of the GNU General Public License as published by the Free Software Foundation; either version 2 of the License, or (at your option) any later version.\n\nYou should have received a copy of the GNU General Public License along with this program.\n\nOn Debian systems, the complete text of the GNU General Public License version 2 can be found in `/usr/share/common-licenses/GPL-2'.";
  assert.deepEqual(classifyLicenseText(gpl2plus), ['GPL-2.0-or-later']);
  assert.deepEqual(classifyLicenseText('Licensed under the GNU Lesser General Public License, version 3 only.'), [
    'LGPL-3.0-only',
  ]);
  assert.deepEqual(classifyLicenseText('released under the GNU Library General Public License version 2'), [
    'LGPL-2.0-only',
  ]);
  assert.deepEqual(classifyLicenseText('GPL-2+ and LGPL-2.1'), ['GPL-2.0-or-later', 'LGPL-2.1-only']);
  assert.deepEqual(classifyLicenseText('under the GNU Affero General Public License v3 or later'), [
    'AGPL-3.0-or-later',
  ]);
  // named with no version anywhere: any version
  assert.deepEqual(classifyLicenseText('distributed under the terms of the GNU General Public License'), [
    'GPL-1.0-or-later',
  ]);
  // a version the family never had is not taken from nearby numbers
  assert.deepEqual(classifyLicenseText('GNU General Public License, 51 Franklin Street, Fifth Floor'), [
    'GPL-1.0-or-later',
  ]);
});

test('permissive licences by name and by their signature sentences', () => {
  assert.deepEqual(classifyLicenseText('The Apache Software License, Version 2.0'), ['Apache-2.0']);
  assert.deepEqual(classifyLicenseText('Licensed under the Apache License, Version 2.0 (the "License")'), [
    'Apache-2.0',
  ]);
  assert.deepEqual(
    classifyLicenseText(
      'Permission is hereby granted, free of charge, to any person obtaining a copy of this software',
    ),
    ['MIT'],
  );
  const bsd =
    'Redistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met:\n1. Redistributions of source code must retain the above copyright notice.\n2. Redistributions in binary form must reproduce the above copyright notice.';
  assert.deepEqual(classifyLicenseText(bsd), ['BSD-2-Clause']);
  assert.deepEqual(
    classifyLicenseText(
      `${bsd}\n3. Neither the name of the copyright holder nor the names of its contributors may be used to endorse or promote products derived from this software without specific prior written permission.`,
    ),
    ['BSD-3-Clause'],
  );
  assert.deepEqual(
    classifyLicenseText(
      `${bsd}\n3. All advertising materials mentioning features or use of this software must display the following acknowledgement.`,
    ),
    ['BSD-4-Clause'],
  );
  const isc =
    'Permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted';
  assert.deepEqual(
    classifyLicenseText(
      `${isc}, provided that the above copyright notice and this permission notice appear in all copies.`,
    ),
    ['ISC'],
  );
  assert.deepEqual(classifyLicenseText(`${isc}.\n\nTHE SOFTWARE IS PROVIDED "AS IS"`), ['0BSD']);
  assert.deepEqual(
    classifyLicenseText("This software is provided 'as-is'. 3. Altered source versions must be plainly marked as such"),
    ['Zlib'],
  );
  assert.deepEqual(classifyLicenseText('Mozilla Public License, v. 2.0'), ['MPL-2.0']);
  const xorg =
    'Permission to use, copy, modify, distribute, and sell this software and its documentation for any purpose is hereby granted without fee, provided that the above copyright notice appear in all copies.';
  assert.deepEqual(classifyLicenseText(xorg), ['HPND-sell-variant']);
  // e2fsprogs' libcom-err2 and libss2 (MIT SIPB): the Historical Permission Notice and Disclaimer
  assert.deepEqual(
    classifyLicenseText(
      'Permission to use, copy, modify, and distribute this software\nand its documentation for any purpose and without fee is\nhereby granted, provided that the above copyright notice',
    ),
    ['HPND'],
  );
  assert.deepEqual(
    classifyLicenseText(
      `${xorg} Except as contained in this notice, the name of The Open Group shall not be used in advertising`,
    ),
    ['MIT-open-group'],
  );
  assert.deepEqual(classifyLicenseText('The Artistic License or the GNU General Public License (v1).'), [
    'Artistic-1.0-Perl',
    'GPL-1.0-only',
  ]);
  assert.deepEqual(
    classifyLicenseText(
      'This library is free software; you can redistribute it and/or modify it under the same terms as Perl itself.',
    ),
    ['Artistic-1.0-Perl', 'GPL-1.0-or-later'],
  );
});

test('single common words name nothing; unversioned Apache/MPL name nothing', () => {
  assert.deepEqual(classifyLicenseText('BSD systems use this license; see the Apache project and the MPL notes'), []);
  assert.deepEqual(classifyLicenseText(''), []);
});

test('bounded: only the first MAX_TEXT_CHARS are read, in linear time', () => {
  const filler = 'gpl gnu general public license version '.repeat(Math.ceil(MAX_TEXT_CHARS / 40));
  const t0 = process.hrtime.bigint();
  assert.deepEqual(classifyLicenseText(`${'x '.repeat(MAX_TEXT_CHARS)} MIT License`), []);
  classifyLicenseText(filler.repeat(40)); // 10 MiB of near-matches
  classifyLicenseText('gpl 2 gpl '.repeat(MAX_TEXT_CHARS / 10)); // stated and versionless mentions of one family, alternating
  classifyLicenseText(`${'.'.repeat(MAX_TEXT_CHARS - 1)}a`); // one long token of dots
  assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 2000);
  assert.ok(tokenise(filler.repeat(40)).length <= MAX_TEXT_CHARS);
});

test('licence names and URLs as poms and manifests write them', () => {
  assert.deepEqual(
    licensesFromName('The Apache Software License, Version 2.0', 'https://www.apache.org/licenses/LICENSE-2.0.txt'),
    ['Apache-2.0'],
  );
  assert.deepEqual(licensesFromName('https://www.apache.org/licenses/LICENSE-2.0.txt'), ['Apache-2.0']);
  assert.deepEqual(licensesFromName(undefined, 'https://opensource.org/licenses/mit-license.php'), [
    'https://opensource.org/licenses/mit-license.php',
  ]); // not an SPDX id: kept as written
  assert.deepEqual(licensesFromName('Eclipse Public License - v 2.0'), ['EPL-2.0']);
  assert.deepEqual(licensesFromName('Apache 2'), ['Apache-2.0']);
  assert.deepEqual(licensesFromName('Acme Corp Proprietary'), ['Acme Corp Proprietary']);
  assert.equal(spdxFromUrl('https://opensource.org/licenses/MIT'), 'MIT');
  assert.equal(spdxFromUrl('http://www.eclipse.org/legal/epl-v10.html'), 'EPL-1.0');
  assert.equal(spdxFromUrl('https://example.com/licenses/LICENSE-2.0'), undefined);
});
