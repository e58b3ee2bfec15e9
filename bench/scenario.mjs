// What a scenario is and how the orchestrator runs one. A scenario measures one thing and owns how it
// is shown: its results, its section of the report and its part of the BENCH_JSON line. Adding one is
// a file in scenarios/ and its line in run.mjs.

/**
 * @typedef {import('./cli.mjs').Options} Options
 * @typedef {import('./cli.mjs').Plan} Plan
 * @typedef {import('./build.mjs').Build} Build
 * @typedef {import('./lib/wrangler-config.mjs').WorkerConfig} WorkerConfig
 * @typedef {import('./runtimes.mjs').Runtime} Runtime
 * @typedef {import('./runtimes.mjs').Probes} Probes
 *
 * @typedef {object} Bench  what every scenario is given
 * @property {Options} options
 * @property {Plan} plan           how many rounds, seconds, samples
 * @property {string} tmp          a temporary folder, removed at the end: state goes in a subfolder
 * @property {Build} build         the bundles and the sizes
 * @property {WorkerConfig} config wrangler.toml's bindings and compatibility settings
 * @property {Runtime[]} runtimes  the compared servers: running in the 'runtimes' phase only
 * @property {Probes} probes       the yardsticks: running in the 'runtimes' phase only
 * @property {string[]} notes      printed under the report: what a reader must know about this run
 *
 * @typedef {Record<string, any>} Results  everything a run measured (bench/results/latest.json)
 *
 * @typedef {object} Scenario
 * @property {string} id           its key in the results: `results[id]`, or `results.runtimes[key][id]`
 *                                 when `perRuntime`
 * @property {string} title        for notes, e.g. "own CPU not measured: …"
 * @property {'runtimes' | 'alone'} phase  'runtimes': while the compared servers and the probes run;
 *                                 'alone': after they have stopped, with the machine to itself
 * @property {boolean} [perRuntime] `run` resolves to `{ [runtime.key]: value }`
 * @property {(bench: Bench) => boolean} [enabled]  false: not run, its result is null
 * @property {boolean} [optional]  a failure becomes a note (result null) instead of ending the run
 * @property {(bench: Bench) => Promise<any>} run
 * @property {(results: Results) => string[]} [report]  its section of the report, Markdown lines
 * @property {(value: any) => unknown} [summary]  its part of the BENCH_JSON line, from its non-null
 *                                 result (per runtime when `perRuntime`)
 */

/**
 * Runs the scenarios of one phase in order and records each result (null when disabled or failed).
 * @param {Scenario[]} scenarios
 * @param {'runtimes' | 'alone'} phase
 * @param {Bench} bench
 * @param {Map<Scenario, unknown>} measured
 */
export async function runScenarios(scenarios, phase, bench, measured) {
  for (const scenario of scenarios.filter((candidate) => candidate.phase === phase)) {
    if (scenario.enabled?.(bench) === false) {
      measured.set(scenario, null);
      continue;
    }
    try {
      measured.set(scenario, await scenario.run(bench));
    } catch (error) {
      if (!scenario.optional) throw error;
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      bench.notes.push(`${scenario.title} not measured: ${reason}`);
      measured.set(scenario, null);
    }
  }
}

/**
 * Stores the scenarios' results: per runtime beside its label and cold start, the others at the top.
 * @param {Scenario[]} scenarios
 * @param {Map<Scenario, any>} measured
 * @param {Runtime[]} runtimes
 */
export function scenarioResults(scenarios, measured, runtimes) {
  /** @type {Record<string, Record<string, unknown>>} */
  const perRuntime = Object.fromEntries(runtimes.map(({ key, label }) => [key, { label }]));
  /** @type {Record<string, unknown>} */
  const others = {};
  for (const scenario of scenarios) {
    const value = measured.get(scenario) ?? null;
    if (!scenario.perRuntime) others[scenario.id] = value;
    else for (const { key } of runtimes) perRuntime[key][scenario.id] = value?.[key] ?? null;
  }
  for (const { key, coldStart } of runtimes) perRuntime[key].coldStart = coldStart;
  return { runtimes: perRuntime, ...others };
}
