// The project's own wrangler (node_modules), run with Node directly: no npx, no metrics, no colours.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ROOT } from './paths.mjs';

const require = createRequire(import.meta.url);
export const WRANGLER_BIN = join(dirname(require.resolve('wrangler/package.json')), 'bin/wrangler.js');
export const WRANGLER_ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };

/**
 * Runs `wrangler <args>` in the repository and returns what it printed; throws with its output when it
 * fails.
 * @param {string[]} args
 * @param {{ timeoutMs?: number }} [options]
 */
export function wrangler(args, { timeoutMs = 120_000 } = {}) {
  const result = spawnSync(process.execPath, [WRANGLER_BIN, ...args], {
    cwd: ROOT,
    env: WRANGLER_ENV,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  if (result.status !== 0) {
    throw new Error(`wrangler ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** Applies every migration of the D1 binding to a local database kept in `persistTo`. */
export function applyLocalMigrations(/** @type {string} */ persistTo, binding = 'DB') {
  wrangler(['d1', 'migrations', 'apply', binding, '--local', '--persist-to', persistTo]);
}
