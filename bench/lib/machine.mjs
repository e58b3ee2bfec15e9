// The machine and the software versions a run was made on, printed at the top of the report.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const fromWrangler = createRequire(require.resolve('wrangler/package.json'));

/** A package's version from its package.json, found from its entry point when it does not export it. */
function version(/** @type {NodeJS.RequireResolve} */ resolve, /** @type {string} */ name) {
  let dir;
  try {
    dir = dirname(resolve(name));
  } catch {
    return null;
  }
  for (let depth = 0; depth < 6; depth++, dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (manifest.name === name) return manifest.version;
    } catch {}
  }
  return null;
}

/** The 1-minute load average, rounded to hundredths, with the 5- and 15-minute ones. */
export const loadAverage = () => loadavg().map((value) => Math.round(value * 100) / 100);

export function machineInfo() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    cpus: availableParallelism(),
    cpuModel: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    workerd: version(fromWrangler.resolve, 'workerd'),
    miniflare: version(fromWrangler.resolve, 'miniflare'),
    wrangler: version(require.resolve, 'wrangler'),
    loadAverageAtStart: loadAverage(),
    /** @type {number[] | undefined} */
    loadAverageAtEnd: undefined,
  };
}
