// The memory of one isolate's session cache when full at its default size, and per entry, measured in
// Node's V8 (workerd's V8 compresses pointers, so there it is at most this).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { number, table } from '../lib/markdown.mjs';
import { progress } from '../lib/progress.mjs';

const MEASURE = fileURLToPath(new URL('../probes/cache-memory.mjs', import.meta.url));

/** @type {import('../scenario.mjs').Scenario} */
export default {
  id: 'cacheMemory',
  title: 'session cache memory',
  phase: 'alone',

  async run({ build }) {
    progress('session cache memory at its default size');
    const run = spawnSync(process.execPath, ['--expose-gc', MEASURE, build.sessionCacheModule], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const line = run.stdout.split('\n').find((text) => text.startsWith('CACHE_JSON '));
    if (run.status !== 0 || line === undefined) throw new Error(`cache memory: ${run.stderr}`);
    return JSON.parse(line.slice('CACHE_JSON '.length));
  },

  report(r) {
    if (!r.cacheMemory) return [];
    const m = r.cacheMemory;
    return [
      "### One isolate's session cache, full at its default size (Node's V8 heap)",
      '',
      table(
        ['Entries', 'heap bytes', 'bytes per entry', 'share of a 128 MB isolate'],
        [
          [
            number(m.entries),
            number(m.bytes),
            number(m.bytesPerEntry),
            `${number(m.shareOfIsolate * 100, 1)} %`,
          ],
        ],
      ),
    ];
  },

  summary: (m) => ({ entries: m.entries, bytes: m.bytes, bytesPerEntry: m.bytesPerEntry }),
};
