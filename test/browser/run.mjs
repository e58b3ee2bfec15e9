// `npm run test:pwa`: builds the PWA once, then runs every test/browser/*.test.mjs with Node's test
// runner. The files run side by side (each starts its own server on its own ports, with its own copy
// of the build, and its own browser), as many at once as the machine has cores. The file list is made
// here because Node's test runner expands a glob only from Node 21 on. Arguments are passed on to
// `node --test`, e.g. `npm run test:pwa -- --test-name-pattern=offline`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireNode } from '../../tools/node-version.mjs';
import { buildPwa } from '../../tools/pwa-build.mjs';

requireNode('npm run test:pwa', 'wrangler 4');

const here = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(here)
  .filter((name) => name.endsWith('.test.mjs'))
  .sort()
  .map((name) => join(here, name));

buildPwa();
const concurrency = Math.max(1, Math.min(files.length, availableParallelism()));
const run = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, ...process.argv.slice(2), ...files],
  { stdio: 'inherit', env: { ...process.env, GATEHOUSE_PWA_BUILT: '1' } },
);
process.exit(run.status ?? 1);
