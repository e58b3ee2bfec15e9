// The PWA's production build, as `npm run build:pwa` makes it (Vite into pwa/dist, then the budget
// check), for the scripts that need pwa/dist: the browser tests and the benchmark.
import { spawnSync } from 'node:child_process';
import { ROOT } from './paths.mjs';

/** Builds pwa/dist quietly; throws with the build's output when it fails (also when over budget). */
export function buildPwa() {
  const result = spawnSync('npm', ['run', '--silent', 'build:pwa'], {
    cwd: ROOT,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) throw new Error(`npm run build:pwa failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}
