// The first-load JavaScript budget: sums the gzip size of every JS file the page loads when it
// starts (the entry, its static imports, and the dynamic imports it makes right away, such as the
// service-worker registration), prints the figure, and fails the build above the budget.
// It reads the manifest Vite writes (build.manifest) and then deletes it, so it is not deployed.
import { readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export const BUDGET_BYTES = 15_000;

const dist = new URL('../dist/', import.meta.url);
const manifestDir = new URL('.vite/', dist);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', manifestDir), 'utf8'));
rmSync(manifestDir, { recursive: true, force: true });

const entry = manifest['index.html'];
if (entry === undefined) throw new Error('no index.html entry in the Vite manifest');

// Every chunk reachable from the entry. Dynamic imports count too: the page makes them at start-up
// (the service-worker registration), and a lazily loaded chunk counted here only makes the figure
// stricter. The exception is the pages under src/screens/ that the app imports only when the person
// opens them (the devices and account pages): they are listed, and budgeted on their own.
const LAZY_PAGE = /^src\/screens\//;
export const LAZY_PAGE_BUDGET_BYTES = 5_000;
const files = new Set();
const lazy = new Set();
const pending = [entry];
const seen = new Set();
while (pending.length > 0) {
  const chunk = pending.pop();
  if (seen.has(chunk)) continue;
  seen.add(chunk);
  if (chunk.file.endsWith('.js')) files.add(chunk.file);
  for (const key of chunk.imports ?? []) pending.push(manifest[key]);
  for (const key of chunk.dynamicImports ?? []) {
    if (LAZY_PAGE.test(key)) lazy.add(manifest[key]);
    else pending.push(manifest[key]);
  }
}

const gzipSize = (file) => gzipSync(readFileSync(new URL(file, dist)), { level: 9 }).length;
let lazyOver = false;
for (const chunk of lazy) {
  // A lazy page's own file, and whatever it imports that the first load has not already brought.
  const own = [chunk.file, ...(chunk.imports ?? []).map((key) => manifest[key].file)].filter(
    (file) => !files.has(file),
  );
  const size = own.reduce((sum, file) => sum + gzipSize(file), 0);
  lazyOver ||= size > LAZY_PAGE_BUDGET_BYTES;
  console.log(`  ${`(on opening) ${chunk.file}`.padEnd(48)} ${(size / 1000).toFixed(2).padStart(6)} kB gzip`);
}

let total = 0;
for (const file of [...files].sort()) {
  const size = gzipSize(file);
  total += size;
  console.log(`  ${file.padEnd(48)} ${(size / 1000).toFixed(2).padStart(6)} kB gzip`);
}
const verdict = total <= BUDGET_BYTES ? 'within' : 'OVER';
console.log(
  `First-load JS: ${(total / 1000).toFixed(2)} kB gzip in ${files.size} files, ${verdict} the budget of ${BUDGET_BYTES / 1000} kB.`,
);
if (lazy.size > 0) {
  console.log(
    `Pages loaded on opening: each within ${LAZY_PAGE_BUDGET_BYTES / 1000} kB: ${lazyOver ? 'NO' : 'yes'}.`,
  );
}
if (total > BUDGET_BYTES || lazyOver) process.exit(1);
