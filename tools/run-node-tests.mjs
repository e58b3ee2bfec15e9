// `npm run test:pwa` and `npm run test:docs`: builds the PWA once, then runs every *.test.mjs of the
// folders given with Node's test runner. The files run side by side (each starts its own server on its
// own ports, with its own copy of the build, and its own browser), as many at once as the machine has
// cores. The file list is made here because Node's test runner expands a glob only from Node 21 on.
// Options (`--…`) are passed on to `node --test`, e.g. `npm run test:pwa -- --test-name-pattern=offline`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { requireNode } from './node-version.mjs';
import { ROOT } from './paths.mjs';
import { buildPwa } from './pwa-build.mjs';

const args = process.argv.slice(2);
const folders = args.filter((arg) => !arg.startsWith('--'));
const options = args.filter((arg) => arg.startsWith('--'));
requireNode(`the tests in ${folders.join(', ')}`, 'wrangler 4');

const files = folders.flatMap((folder) =>
  readdirSync(join(ROOT, folder))
    .filter((name) => name.endsWith('.test.mjs'))
    .sort()
    .map((name) => join(ROOT, folder, name)),
);

buildPwa();
const concurrency = Math.max(1, Math.min(files.length, availableParallelism()));
const run = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, ...options, ...files],
  {
    stdio: 'inherit',
    env: { ...process.env, GATEHOUSE_PWA_BUILT: '1' },
  },
);
process.exit(run.status ?? 1);
