// Everything the benchmark measures, built from the working tree at the start of each run: the PWA
// (the production bundle's static assets), Gatehouse's production bundle as `wrangler deploy` would
// upload it, the Hono baseline, and the probe Workers and modules.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { firstLoad } from '../tools/first-load.mjs';
import { PWA_DIST, ROOT } from '../tools/paths.mjs';
import { buildPwa } from '../tools/pwa-build.mjs';
import { wrangler } from '../tools/wrangler.mjs';
import { progress } from './lib/progress.mjs';
import { workerBundleSize } from './lib/sizes.mjs';

const BENCH = fileURLToPath(new URL('.', import.meta.url));

/**
 * @typedef {object} Build
 * @property {string} gatehouseDir   `wrangler deploy --dry-run --outdir` output
 * @property {string} honoDir        the Hono + hono/jwt baseline Worker
 * @property {string} jwtModule      worker/auth/jwt.ts as a plain ES module, for Node
 * @property {string} jwtWorkerDir   the JWT micro-benchmark Worker
 * @property {string} stubbedDir     Gatehouse with its storage answered in memory
 * @property {string} countingDir    Gatehouse with its D1 statements counted
 * @property {string} sessionCacheModule  worker/session-check/session-cache.ts as an ES module, for Node
 * @property {Record<string, unknown>} sizes
 */

/**
 * One ES module with its imports bundled in, for no particular platform. `forWorkerd` resolves packages
 * with the export conditions and fields wrangler uses for a Worker.
 * @param {string} entry
 * @param {string} outfile
 */
function bundleModule(entry, outfile, { forWorkerd = true, minify = false } = {}) {
  return esbuild({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    ...(forWorkerd ? { conditions: ['workerd', 'worker', 'browser'], mainFields: ['module', 'main'] } : {}),
    minify,
    logLevel: 'error',
  });
}

/**
 * Builds into `tmp` (the PWA into pwa/dist, where the production bundle expects it).
 * @param {string} tmp
 * @returns {Promise<Build>}
 */
export async function buildAll(tmp) {
  // The bundle's static assets: always rebuilt (a few seconds), so a run never measures a stale or
  // missing pwa/dist.
  progress('building the PWA (npm run build:pwa)');
  buildPwa();

  progress('building the production bundle (wrangler deploy --dry-run) and the baselines');
  const gatehouseDir = join(tmp, 'gatehouse-bundle');
  const output = wrangler(['deploy', '--dry-run', '--outdir', gatehouseDir]);
  const reported = /gzip:\s*([\d.]+)\s*KiB/.exec(output)?.[1];

  const honoDir = join(tmp, 'hono-jwt-bundle');
  await bundleModule(join(BENCH, 'baselines/hono-jwt/worker.ts'), join(honoDir, 'index.js'));

  // Gatehouse's JWT module as plain JS, for the Node micro-benchmark.
  const jwtModule = join(tmp, 'jwt', 'jwt.mjs');
  await bundleModule(join(ROOT, 'worker/auth/jwt.ts'), jwtModule, { forWorkerd: false });

  // The same comparison inside workerd.
  const jwtWorkerDir = join(tmp, 'jwt-worker');
  await bundleModule(join(BENCH, 'probes/jwt-worker.ts'), join(jwtWorkerDir, 'index.js'));

  // Gatehouse with its storage answered in memory, for its own CPU time per request.
  const stubbedDir = join(tmp, 'stubbed-worker');
  await bundleModule(join(BENCH, 'probes/stubbed-worker.ts'), join(stubbedDir, 'index.js'), {
    minify: true,
  });

  // Gatehouse with its D1 statements counted, for the queries per 1,000 requests.
  const countingDir = join(tmp, 'counting-worker');
  await bundleModule(join(BENCH, 'probes/counting-worker.ts'), join(countingDir, 'index.js'), {
    minify: true,
  });

  // The session cache alone, for its memory in Node's V8.
  const sessionCacheModule = join(tmp, 'session-cache', 'session-cache.mjs');
  await bundleModule(join(ROOT, 'worker/session-check/session-cache.ts'), sessionCacheModule, {
    forWorkerd: false,
  });

  const bundle = workerBundleSize(gatehouseDir);
  return {
    countingDir,
    sessionCacheModule,
    gatehouseDir,
    honoDir,
    jwtModule,
    jwtWorkerDir,
    stubbedDir,
    sizes: {
      workerRawBytes: bundle.rawBytes,
      workerGzipBytes: bundle.gzipBytes,
      workerFiles: bundle.files,
      workerGzipKiBReportedByWrangler: reported === undefined ? null : Number(reported),
      honoBaselineGzipBytes: workerBundleSize(honoDir).gzipBytes,
      pwa: firstLoad(PWA_DIST),
    },
  };
}
