// What the PWA's page downloads when it starts, read from the manifest Vite writes with the build
// (pwa/dist/.vite/manifest.json, kept out of the deployed files by pwa/public/.assetsignore), and the
// budgets it must fit. The one measurement behind the build's budget check, the browser test (which
// checks that Chromium fetches exactly these files) and the benchmark's size table.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** All the JavaScript of the first load, gzip -9, 1 kB = 1,000 bytes. */
export const FIRST_LOAD_JS_BUDGET_BYTES = 15_000;
/** Each page loaded only when opened: its own chunk and what it imports beyond the first load. */
export const LAZY_PAGE_BUDGET_BYTES = 5_000;

/**
 * Pages the app imports only when the person opens them (the devices and account pages), and the
 * passkey code, imported only when a passkey is wanted (docs/passkeys.md). Any other dynamic import
 * counts as first load: the app makes it at start (the service-worker registration), and counting a
 * lazy chunk by mistake only makes the figure stricter.
 */
const LAZY_PAGE = /^src\/(?:screens|passkeys)\//;
/** vite-plugin-pwa's service worker: fetched by the browser after the page, on its own. */
const SERVICE_WORKER = 'sw.js';

/** @param {Buffer | string} content */
export const gzipBytes = (content) => gzipSync(content, { level: 9 }).length;

/**
 * @typedef {{ file: string, gzipBytes: number }} SizedFile
 * @typedef {object} FirstLoad
 * @property {string} method
 * @property {SizedFile[]} jsFiles         every script of the first load, by path in the build
 * @property {number} jsGzipBytes
 * @property {SizedFile[]} cssFiles
 * @property {number} cssGzipBytes
 * @property {SizedFile[]} lazyPages       per lazy page: its chunk, and the size with its own imports
 * @property {number | null} serviceWorkerGzipBytes
 *
 * @typedef {{ file: string, imports?: string[], dynamicImports?: string[], css?: string[] }} Chunk
 */

/**
 * The first load of the build in `distDir`; throws when it has no Vite manifest (not built).
 * @param {string} distDir
 * @returns {FirstLoad}
 */
export function firstLoad(distDir) {
  const manifestPath = join(distDir, '.vite', 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} is missing: build the PWA first`);
  /** @type {Record<string, Chunk>} */
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const chunk = (/** @type {string} */ key) => {
    const found = manifest[key];
    if (found === undefined) throw new Error(`Vite manifest: no chunk ${key}`);
    return found;
  };

  const js = new Set();
  const css = new Set();
  /** @type {Map<string, Chunk>} */
  const lazy = new Map();
  const pending = [chunk('index.html')];
  const seen = new Set();
  while (pending.length > 0) {
    const current = /** @type {Chunk} */ (pending.pop());
    if (seen.has(current)) continue;
    seen.add(current);
    if (current.file.endsWith('.js')) js.add(current.file);
    for (const file of current.css ?? []) css.add(file);
    for (const key of current.imports ?? []) pending.push(chunk(key));
    for (const key of current.dynamicImports ?? []) {
      if (LAZY_PAGE.test(key)) lazy.set(key, chunk(key));
      else pending.push(chunk(key));
    }
  }

  const size = (/** @type {string} */ file) => gzipBytes(readFileSync(join(distDir, file)));
  const sized = (/** @type {Iterable<string>} */ files) =>
    [...files].sort().map((file) => ({ file, gzipBytes: size(file) }));
  const sum = (/** @type {SizedFile[]} */ list) => list.reduce((total, entry) => total + entry.gzipBytes, 0);
  const jsFiles = sized(js);
  const cssFiles = sized(css);
  const lazyPages = [...lazy.values()]
    .map((page) => {
      const own = [page.file, ...(page.imports ?? []).map((key) => chunk(key).file)].filter(
        (file) => !js.has(file),
      );
      return { file: page.file, gzipBytes: own.reduce((total, file) => total + size(file), 0) };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
  const serviceWorker = join(distDir, SERVICE_WORKER);
  return {
    method: 'Vite manifest',
    jsFiles,
    jsGzipBytes: sum(jsFiles),
    cssFiles,
    cssGzipBytes: sum(cssFiles),
    lazyPages,
    serviceWorkerGzipBytes: existsSync(serviceWorker) ? gzipBytes(readFileSync(serviceWorker)) : null,
  };
}
