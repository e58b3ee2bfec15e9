// The oldest Node the project runs on, read from package.json's `engines` (its one source), checked
// before a script gets far enough to fail in a less clear way.
import { readFileSync } from 'node:fs';

const engines = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines;
const [, major, minor] = /(\d+)\.(\d+)/.exec(engines.node) ?? [];

/** Exits with one line on stderr when this Node is older than `engines.node` (e.g. `>=22.12`). */
export function requireNode(/** @type {string} */ command, /** @type {string} */ reason) {
  const [runningMajor = 0, runningMinor = 0] = process.versions.node.split('.').map(Number);
  const tooOld =
    runningMajor < Number(major) || (runningMajor === Number(major) && runningMinor < Number(minor));
  if (!tooOld) return;
  console.error(`${command} needs Node ${major}.${minor} or later (${reason}); this is ${process.version}.`);
  process.exit(1);
}
