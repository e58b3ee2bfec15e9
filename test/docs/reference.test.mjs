// The docs name everything a deployment can set and a client can call: every setting the Worker reads
// has a row in the README's configuration table, and every route a line in the README's API overview
// and a section of its own in docs/api.md. Read from the source, so a new setting or route without its
// documentation fails here.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../tools/paths.mjs';
import { readDoc } from './markdown.mjs';

/** The names listed in worker/setting-names.ts, which the type checker keeps complete. */
function settingNames() {
  const source = readFileSync(join(ROOT, 'worker', 'setting-names.ts'), 'utf8');
  return [...source.matchAll(/^\s+([A-Z][A-Z0-9_]*): true,$/gm)].map((match) => match[1]);
}

/** Every `.get('/path', …)`, `.post(…)`, … of the route modules, as `METHOD /path`. */
function routes() {
  const folder = join(ROOT, 'worker', 'routes');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .flatMap((name) => [
      ...readFileSync(join(folder, name), 'utf8').matchAll(/\.(get|post|put|patch|delete)\(\s*'(\/[^']*)'/g),
    ])
    .map(([, method, path]) => `${method.toUpperCase()} ${path}`);
}

/** The section of a Markdown file under a `## heading`, up to the next one. */
function section(text, heading) {
  const start = text.indexOf(`\n## ${heading}\n`);
  assert.notEqual(start, -1, `a "## ${heading}" section`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end === -1 ? undefined : end);
}

test("every setting has a row in the README's configuration table", () => {
  const names = settingNames();
  assert.ok(names.length >= 10, 'the settings are found');
  const table = section(readDoc('README.md'), 'Configuration');
  const missing = names.filter((name) => !table.includes(`\n| \`${name}\` |`));
  assert.deepEqual(missing, []);
});

test("every route has a line in the README's API overview and a section in docs/api.md", () => {
  const all = routes();
  assert.ok(all.length >= 10, 'the routes are found');
  const overview = section(readDoc('README.md'), 'API');
  const reference = readDoc('docs/api.md');
  const missing = all.flatMap((route) => [
    ...(overview.includes(`\n| \`${route}\` |`) ? [] : [`README.md: ${route}`]),
    ...(reference.includes(`\n### \`${route}\`\n`) ? [] : [`docs/api.md: ${route}`]),
  ]);
  assert.deepEqual(missing, []);
});
