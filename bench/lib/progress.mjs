// Progress lines go to stderr, so that stdout carries only the report and the BENCH_JSON line.

export const progress = (/** @type {string} */ message) => process.stderr.write(`[bench] ${message}\n`);
