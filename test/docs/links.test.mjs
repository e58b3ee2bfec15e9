// Every relative link in the docs leads somewhere: the file exists, and an anchor names a heading of
// the Markdown file it points into (GitHub's anchors). A page moved or a heading renamed fails here.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../tools/paths.mjs';
import { docFiles, headingAnchors, linkTargets, readDoc } from './markdown.mjs';

/** Addresses outside the repository, checked by nobody here. */
const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

for (const file of docFiles()) {
  test(`${file}: every relative link resolves`, () => {
    const broken = [];
    for (const target of linkTargets(readDoc(file))) {
      if (EXTERNAL.test(target)) continue;
      const [path = '', anchor] = target.split('#', 2);
      const linked = path === '' ? file : normalize(join(dirname(file), decodeURIComponent(path)));
      if (!existsSync(join(ROOT, linked))) {
        broken.push(`${target}: no file ${linked}`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!linked.endsWith('.md')) broken.push(`${target}: an anchor into a file that is not Markdown`);
      else if (!headingAnchors(readDoc(linked)).has(anchor))
        broken.push(`${target}: no heading in ${linked} has the anchor #${anchor}`);
    }
    assert.deepEqual(broken, []);
  });
}
