// The PWA's first load as a browser sees it: pwa/dist served as static files on 127.0.0.1, one visit
// in headless Chromium, and every script and style sheet the page itself requests until the network
// is idle. The service worker and what it precaches in the background are not the page's first load
// and are left out (the worker script is listed on its own). Sizes are of the built files, gzip -9.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, relative } from 'node:path';
import { gzipBytes } from './sizes.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

function serve(distDir) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = normalize(join(distDir, path));
    if (!file.startsWith(distDir) || !existsSync(file) || path.endsWith('/'))
      file = join(distDir, 'index.html');
    res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Null when the PWA is not built; throws when the browser cannot be started (the caller falls back). */
export async function pwaFirstLoadInBrowser(distDir) {
  if (!existsSync(join(distDir, 'index.html'))) return null;
  const { chromium } = await import('playwright-core');
  const server = await serve(distDir);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
    timeout: 30_000,
  });
  try {
    const page = await browser.newPage();
    const loaded = new Map();
    page.on('request', (request) => {
      const type = request.resourceType();
      if ((type === 'script' || type === 'stylesheet') && request.url().startsWith(origin)) {
        loaded.set(new URL(request.url()).pathname, type);
      }
    });
    await page.goto(`${origin}/`, { waitUntil: 'load', timeout: 20_000 });
    await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
    const measure = (type) =>
      [...loaded]
        .filter(([, kind]) => kind === type)
        .map(([path]) => join(distDir, path))
        .filter((file) => existsSync(file))
        .sort()
        .map((file) => ({ file: relative(distDir, file), gzipBytes: gzipBytes(readFileSync(file)) }));
    const jsFiles = measure('script');
    const cssFiles = measure('stylesheet');
    const sum = (list) => list.reduce((total, entry) => total + entry.gzipBytes, 0);
    const sw = join(distDir, 'sw.js');
    return {
      method: 'headless Chromium',
      jsGzipBytes: sum(jsFiles),
      cssGzipBytes: sum(cssFiles),
      jsFiles,
      cssFiles,
      serviceWorkerGzipBytes: existsSync(sw) ? gzipBytes(readFileSync(sw)) : null,
    };
  } finally {
    await browser.close();
    server.close();
    server.closeAllConnections();
  }
}
