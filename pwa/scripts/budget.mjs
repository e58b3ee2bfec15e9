// The JavaScript budget, run after `vite build` (see package.json's build:pwa): prints the gzip size of
// every JS file the page loads when it starts and of each page loaded on opening, and fails the build
// when either is over its budget. The measurement and the budgets are tools/first-load.mjs.
import { FIRST_LOAD_JS_BUDGET_BYTES, firstLoad, LAZY_PAGE_BUDGET_BYTES } from '../../tools/first-load.mjs';
import { PWA_DIST } from '../../tools/paths.mjs';

const { jsFiles, jsGzipBytes, lazyPages } = firstLoad(PWA_DIST);
const kB = (/** @type {number} */ bytes) => `${(bytes / 1000).toFixed(2).padStart(6)} kB gzip`;

for (const { file, gzipBytes } of lazyPages)
  console.log(`  ${`(on opening) ${file}`.padEnd(48)} ${kB(gzipBytes)}`);
for (const { file, gzipBytes } of jsFiles) console.log(`  ${file.padEnd(48)} ${kB(gzipBytes)}`);

const withinFirstLoad = jsGzipBytes <= FIRST_LOAD_JS_BUDGET_BYTES;
const lazyWithin = lazyPages.every((page) => page.gzipBytes <= LAZY_PAGE_BUDGET_BYTES);
console.log(
  `First-load JS: ${(jsGzipBytes / 1000).toFixed(2)} kB gzip in ${jsFiles.length} files, ` +
    `${withinFirstLoad ? 'within' : 'OVER'} the budget of ${FIRST_LOAD_JS_BUDGET_BYTES / 1000} kB.`,
);
if (lazyPages.length > 0) {
  console.log(
    `Pages loaded on opening: each within ${LAZY_PAGE_BUDGET_BYTES / 1000} kB: ${lazyWithin ? 'yes' : 'NO'}.`,
  );
}
if (!withinFirstLoad || !lazyWithin) process.exit(1);
