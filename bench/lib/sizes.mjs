// What a deploy uploads, gzip-compressed (level 9, 1 kB = 1000 B, the convention of the PWA's budget in
// tools/first-load.mjs).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipBytes } from '../../tools/first-load.mjs';

/** Every module in a `wrangler deploy --dry-run` output directory (source maps and README excluded). */
export function workerBundleSize(/** @type {string} */ outdir) {
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
