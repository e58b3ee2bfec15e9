// Fills a SessionCache (the bundled worker/session-check/session-cache.ts given as argument) to the
// Worker's default capacity with entries shaped like real ones, and prints `CACHE_JSON {...}`: the heap
// the full cache holds (its map, the id strings and the facts), after garbage collection. Run with
// --expose-gc.
import { randomBytes, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const ENTRIES = 10_000; // DEFAULTS.sessionCacheEntries in worker/config.ts
const { SessionCache } = await import(pathToFileURL(process.argv[2] ?? '').href);
const gc = /** @type {() => void} */ (globalThis.gc);

/** Heap in use after full collections, as steady as V8 gives it. */
function heapUsed() {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

const now = Math.floor(Date.now() / 1000);
const before = heapUsed();
const cache = new SessionCache(ENTRIES);
for (let i = 0; i < ENTRIES; i++) {
  // Ids as the Worker has them: 16 random bytes in base64url (sessions), UUIDs (users) as strings of
  // their own, like those D1 results are made of (randomUUID's own strings share a batch buffer).
  cache.set(randomBytes(16).toString('base64url'), {
    userId: Buffer.from(randomUUID()).toString(),
    expiresAt: now + 30 * 86400,
    revokedAt: null,
    generation: 0,
    lastUsedAt: now,
  });
}
const bytes = heapUsed() - before;
if (cache.size !== ENTRIES) throw new Error(`cache holds ${cache.size}`);
process.stdout.write(
  `CACHE_JSON ${JSON.stringify({
    entries: ENTRIES,
    bytes,
    bytesPerEntry: Math.round(bytes / ENTRIES),
    shareOfIsolate: bytes / (128 * 1024 * 1024),
  })}\n`,
);
