// Where a run's results go: stdout gets the report and one line `BENCH_JSON {...}` with the headline
// numbers, and bench/results/ (git-ignored) the report and every detail (latest.md, latest.json, and a
// dated copy of the JSON).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/**
 * The BENCH_JSON line's object: the headline numbers, each scenario's own summary; per-round detail
 * stays in latest.json.
 * @param {import('../scenario.mjs').Results} results
 * @param {import('../scenario.mjs').Scenario[]} scenarios
 */
export function headline(results, scenarios) {
  const summarized = (
    /** @type {import('../scenario.mjs').Scenario} */ scenario,
    /** @type {any} */ value,
  ) =>
    value === null || value === undefined || scenario.summary === undefined ? value : scenario.summary(value);
  const perRuntime = scenarios.filter((scenario) => scenario.perRuntime);
  const runtimes = Object.entries(results.runtimes).map(([key, runtime]) => [
    key,
    {
      label: runtime.label,
      ...Object.fromEntries(
        perRuntime.map((scenario) => [scenario.id, summarized(scenario, runtime[scenario.id])]),
      ),
      coldStartP50Ms: runtime.coldStart?.p50,
    },
  ]);
  const others = scenarios
    .filter((scenario) => !scenario.perRuntime)
    .map((scenario) => [scenario.id, summarized(scenario, results[scenario.id]) ?? null]);
  return {
    date: results.date,
    mode: results.mode,
    machine: results.machine,
    ...Object.fromEntries(runtimes),
    ...Object.fromEntries(others),
    sizes: {
      workerGzipBytes: results.sizes.workerGzipBytes,
      pwaJsGzipBytes: results.sizes.pwa?.jsGzipBytes ?? null,
      pwaCssGzipBytes: results.sizes.pwa?.cssGzipBytes ?? null,
    },
    targets: results.targets.map(
      (/** @type {import('./targets.mjs').Evaluated} */ { id, value, goal, met }) => ({
        id,
        value,
        goal,
        met,
      }),
    ),
    notes: results.notes,
    seconds: results.seconds,
  };
}

/**
 * Prints the report and the BENCH_JSON line, and writes both kinds of files.
 * @param {import('../scenario.mjs').Results} results
 * @param {string} report
 * @param {unknown} summary
 */
export function publish(results, report, summary) {
  process.stdout.write(`${report}\n`);
  process.stdout.write(`BENCH_JSON ${JSON.stringify(summary)}\n`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}latest.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${RESULTS_DIR}latest.md`, `${report}\n`);
  writeFileSync(
    `${RESULTS_DIR}${results.date.replace(/[:.]/g, '-')}-${results.mode}.json`,
    JSON.stringify(results),
  );
}
