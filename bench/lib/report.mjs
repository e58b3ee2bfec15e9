// The Markdown report printed at the end of a run: the machine, each scenario's section (those measured
// on the running runtimes, then the runtimes' cold starts, then those measured alone), the sizes and
// the targets.
import { kB, ms, number, table } from './markdown.mjs';

/**
 * @param {import('../scenario.mjs').Results} r
 * @param {import('../scenario.mjs').Scenario[]} scenarios
 */
export function formatReport(r, scenarios) {
  const m = r.machine;
  const lines = [
    `## Gatehouse benchmark: ${r.mode} run, ${r.date.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB; Node ${m.node}, workerd ${m.workerd} ` +
      `(Miniflare ${m.miniflare}, wrangler ${m.wrangler}); load average ${m.loadAverageAtStart[0]} at start, ` +
      `${m.loadAverageAtEnd?.[0] ?? '?'} at end; ${r.seconds} s.`,
  ];
  const sections = (/** @type {'runtimes' | 'alone'} */ phase) => {
    for (const scenario of scenarios.filter((candidate) => candidate.phase === phase)) {
      const section = scenario.report?.(r) ?? [];
      if (section.length > 0) lines.push('', ...section);
    }
  };
  sections('runtimes');
  lines.push('', ...coldStarts(r));
  sections('alone');
  lines.push('', ...sizes(r), '', ...targets(r));
  if (r.notes.length > 0)
    lines.push('', 'Notes:', ...r.notes.map((/** @type {string} */ note) => `- ${note}`));
  return lines.join('\n');
}

/** @param {import('../scenario.mjs').Results} r */
function coldStarts(r) {
  return [
    `### Cold start: process start to the first 200 on /data (n = ${r.plan.coldStarts})`,
    '',
    table(
      ['Runtime', 'p50 ms', 'min ms'],
      Object.values(r.runtimes).map(({ label, coldStart }) => [label, ms(coldStart.p50), ms(coldStart.min)]),
    ),
  ];
}

/** @param {import('../scenario.mjs').Results} r */
function sizes(r) {
  const s = r.sizes;
  const rows = [
    ['Worker bundle (`wrangler deploy --dry-run`)', kB(s.workerGzipBytes), kB(s.workerRawBytes)],
    ['Hono + hono/jwt baseline bundle', kB(s.honoBaselineGzipBytes), '–'],
    [
      `PWA first-load JS (${s.pwa.jsFiles.map((/** @type {{ file: string }} */ f) => f.file).join(', ')}; ${s.pwa.method})`,
      kB(s.pwa.jsGzipBytes),
      '–',
    ],
    ['PWA first-load CSS', kB(s.pwa.cssGzipBytes), '–'],
  ];
  if (s.pwa.serviceWorkerGzipBytes !== null)
    rows.push(['PWA service worker (fetched after load)', kB(s.pwa.serviceWorkerGzipBytes), '–']);
  return ['### Sizes (gzip -9; 1 kB = 1,000 bytes)', '', table(['What', 'gzip', 'raw'], rows)];
}

/** @param {import('../scenario.mjs').Results} r */
function targets(r) {
  return [
    '### Targets',
    '',
    table(
      ['Target', 'Measured', 'Goal', 'Met'],
      r.targets.map((/** @type {import('./targets.mjs').Evaluated} */ t) => [
        t.label,
        t.value === null
          ? '–'
          : `${number(t.value, t.unit === 'kB' ? 1 : 2)}${t.unit === '' ? '' : ` ${t.unit}`}`,
        t.goal,
        t.met === null ? 'n/a' : t.met ? 'yes' : 'NO',
      ]),
    ),
  ];
}
