// What a deploy uploads and what a browser downloads first, gzip-compressed (level 9, 1 kB = 1000 B,
// the same convention as the PWA's own budget check).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, normalize, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Registered by the page, then fetched and run by the browser apart from it. */
const SERVICE_WORKERS = new Set(['sw.js', 'service-worker.js']);

export const gzipBytes = (buffer) => gzipSync(buffer, { level: 9 }).length;

/** Every module in a `wrangler deploy --dry-run` output directory (source maps and README excluded). */
export function workerBundleSize(outdir) {
  const files = readdirSync(outdir).filter((file) => !file.endsWith('.map') && file !== 'README.md');
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const content = readFileSync(join(outdir, file));
    raw += content.length;
    gzip += gzipBytes(content);
  }
  return { files, rawBytes: raw, gzipBytes: gzip };
}

/**
 * The fallback when no browser is at hand: what pwa/dist/index.html loads by itself — its scripts,
 * module preloads and style sheets, and the static imports of those scripts, transitively. Chunks it
 * only imports dynamically (pages opened later, the service-worker registration) are listed apart.
 */
export function pwaFirstLoad(distDir) {
  const indexPath = join(distDir, 'index.html');
  if (!existsSync(indexPath)) return null;
  const html = readFileSync(indexPath, 'utf8');
  const local = (href) => !/^[a-z]+:|^\/\//i.test(href);
  const toFile = (href, from) =>
    normalize(href.startsWith('/') ? join(distDir, href) : join(from, href)).split(/[?#]/)[0];

  const pending = [];
  const css = new Set();
  for (const [tag] of html.matchAll(/<(?:script|link)\b[^>]*>/gi)) {
    const src = /\b(?:src|href)=["']([^"']+)["']/i.exec(tag)?.[1];
    if (src === undefined || !local(src)) continue;
    if (/^<script/i.test(tag) || /rel=["']?modulepreload/i.test(tag)) pending.push(toFile(src, distDir));
    else if (/rel=["']?stylesheet/i.test(tag)) css.add(toFile(src, distDir));
  }

  const js = new Set();
  const dynamic = new Set();
  while (pending.length > 0) {
    const file = pending.pop();
    if (js.has(file) || !existsSync(file)) continue;
    js.add(file);
    const code = readFileSync(file, 'utf8');
    // Minified chunks: `import"./a.js"` and `from"./a.js"` are static, `import("./a.js")` is dynamic.
    for (const [, keyword, href] of code.matchAll(
      /\b(from|import)\s*\(?\s*["'`]((?:\.{1,2}\/|\/)[\w./-]+?\.js)["'`]/g,
    )) {
      const target = toFile(href, dirname(file));
      if (SERVICE_WORKERS.has(basename(target)) || !target.startsWith(distDir) || !existsSync(target))
        continue;
      const isDynamic =
        keyword === 'import' && /import\s*\(/.test(code.slice(code.indexOf(href) - 12, code.indexOf(href)));
      if (isDynamic) dynamic.add(target);
      else pending.push(target);
    }
  }

  const measure = (files) =>
    [...files]
      .sort()
      .map((file) => ({ file: relative(distDir, file), gzipBytes: gzipBytes(readFileSync(file)) }));
  const jsFiles = measure(js);
  const cssFiles = measure([...css].filter((file) => existsSync(file)));
  const sum = (list) => list.reduce((total, entry) => total + entry.gzipBytes, 0);
  const swFile = [...SERVICE_WORKERS].map((name) => join(distDir, name)).find((file) => existsSync(file));
  return {
    method: 'static analysis of index.html',
    jsGzipBytes: sum(jsFiles),
    cssGzipBytes: sum(cssFiles),
    jsFiles,
    cssFiles,
    dynamicImports: measure([...dynamic].filter((file) => !js.has(file))),
    serviceWorkerGzipBytes: swFile === undefined ? null : gzipBytes(readFileSync(swFile)),
  };
}
