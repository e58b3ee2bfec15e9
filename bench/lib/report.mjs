// The targets of the benchmark and the Markdown report printed at the end of a run.

const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN);
/** JWT verify ops/s, ours ÷ `library`'s, from one runtime's results (`r.jwt` or `r.jwtWorkerd`). */
const verifyRatio = (jwt, library) =>
  ratio(jwt.gatehouse.verify.opsPerSecond, jwt[library].verify.opsPerSecond);

/** Each target reads the results of one run; every ratio compares numbers from that same run. */
export const TARGETS = [
  {
    id: 'data_vs_express',
    label: '/data req/s, Gatehouse ÷ Express baseline',
    goal: '≥ 1.5',
    value: (r) => ratio(r.runtimes.gatehouse.data.rps, r.runtimes.express.data.rps),
    met: (v) => v >= 1.5,
  },
  {
    id: 'verify_vs_hono',
    label: 'JWT verify ops/s in Node, ours ÷ hono/jwt',
    goal: '≥ 1.5',
    value: (r) => verifyRatio(r.jwt, 'hono/jwt'),
    met: (v) => v >= 1.5,
  },
  {
    id: 'verify_vs_jose',
    label: 'JWT verify ops/s in Node, ours ÷ jose',
    goal: '≥ 1.0',
    value: (r) => verifyRatio(r.jwt, 'jose'),
    met: (v) => v >= 1,
  },
  {
    id: 'verify_vs_hono_workerd',
    label: 'JWT verify ops/s in workerd, ours ÷ hono/jwt (information)',
    goal: '≥ 1.5',
    value: (r) => verifyRatio(r.jwtWorkerd, 'hono/jwt'),
    met: (v) => v >= 1.5,
  },
  {
    id: 'verify_vs_jose_workerd',
    label: 'JWT verify ops/s in workerd, ours ÷ jose (information)',
    goal: '≥ 1.0',
    value: (r) => verifyRatio(r.jwtWorkerd, 'jose'),
    met: (v) => v >= 1,
  },
  {
    id: 'login_vs_pbkdf2',
    label: '/login p50 ÷ raw PBKDF2 p50 (workerd)',
    goal: '≤ 1.15',
    value: (r) => r.runtimes.gatehouse.login.ratioToPbkdf2,
    met: (v) => v <= 1.15,
  },
  {
    id: 'login_vs_pbkdf2_cpu',
    label: '/login CPU ÷ PBKDF2 CPU, storage in memory (information)',
    goal: '≤ 1.15',
    value: (r) => {
      const own = Object.fromEntries(r.ownCpu.map((row) => [row.id, row.cpuMs]));
      return own.login / own.pbkdf2;
    },
    met: (v) => v <= 1.15,
  },
  {
    id: 'unknown_vs_wrong',
    label: 'failed log-in p50, unknown user ÷ wrong password',
    goal: '0.95–1.05',
    value: (r) => r.runtimes.gatehouse.timing.ratio,
    met: (v) => v >= 0.95 && v <= 1.05,
  },
  {
    id: 'worker_gzip',
    label: 'Worker bundle, gzip',
    goal: '≤ 40 kB',
    unit: 'kB',
    value: (r) => r.sizes.workerGzipBytes / 1000,
    met: (v) => v <= 40,
  },
  {
    id: 'pwa_first_load_js',
    label: 'PWA first-load JS, gzip',
    goal: '≤ 15 kB',
    unit: 'kB',
    value: (r) => (r.sizes.pwa ? r.sizes.pwa.jsGzipBytes / 1000 : Number.NaN),
    met: (v) => v <= 15,
  },
].map((target) => ({
  ...target,
  evaluate(results) {
    let value;
    try {
      value = target.value(results);
    } catch {
      value = Number.NaN;
    }
    const known = Number.isFinite(value);
    return {
      id: target.id,
      label: target.label,
      goal: target.goal,
      unit: target.unit ?? '×',
      value: known ? Math.round(value * 1000) / 1000 : null,
      met: known ? target.met(value) : null,
    };
  },
}));

const number = (value, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '–';
const ms = (value) => number(value, value >= 100 ? 0 : value >= 10 ? 1 : 2);
const kB = (bytes) => (Number.isFinite(bytes) ? `${number(bytes / 1000, 1)} kB` : '–');

function table(headers, rows) {
  const align = headers.map((_, i) => (i === 0 ? '---' : '--:'));
  return [headers, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

export function formatReport(r) {
  const { gatehouse, express, honoJwt, candidate } = r.runtimes;
  const runtimes = [gatehouse, express, honoJwt, ...(candidate ? [candidate] : [])];
  const m = r.machine;
  const lines = [];
  lines.push(`## Gatehouse benchmark: ${r.mode} run, ${r.date.slice(0, 16).replace('T', ' ')} UTC`);
  lines.push('');
  lines.push(
    `Machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB; Node ${m.node}, workerd ${m.workerd} ` +
      `(Miniflare ${m.miniflare}, wrangler ${m.wrangler}); load average ${m.loadAverageAtStart[0]} at start, ` +
      `${m.loadAverageAtEnd?.[0] ?? '?'} at end; ${r.seconds} s.`,
  );

  lines.push(
    '',
    `### GET /data with a valid token (${r.plan.connections} connections, median of ${r.plan.dataRounds} × ${r.plan.dataSeconds} s)`,
    '',
  );
  const dataRows = runtimes.map(({ label, data }) => [
    label,
    number(data.rps),
    ms(data.p50Ms),
    ms(data.p99Ms),
    number(data.cpuUsPerRequest),
  ]);
  if (r.wranglerDev) {
    const dev = r.wranglerDev.data;
    dataRows.push([
      `${r.wranglerDev.label} (1 × ${r.plan.devSeconds} s)`,
      number(dev.rps),
      ms(dev.p50Ms),
      ms(dev.p99Ms),
      '–',
    ]);
  }
  lines.push(table(['Runtime', 'req/s', 'p50 ms', 'p99 ms', 'server CPU µs/req'], dataRows));
  if (r.wranglerDev) {
    lines.push(
      '',
      `wrangler dev serves /data ${number(gatehouse.data.rps / r.wranglerDev.data.rps, 1)}× slower than the same ` +
        `Worker in workerd directly (wrangler dev took ${number(r.wranglerDev.startMs / 1000, 1)} s to start).`,
    );
  }

  if (r.stages) {
    lines.push(
      '',
      `### Where /data's CPU goes (workerd process, ${r.plan.connections} connections, ${r.plan.stageSeconds} s each)`,
      '',
    );
    lines.push(
      table(
        ['Stage', 'req/s', 'workerd CPU µs/req'],
        r.stages.map((stage) => [stage.label, number(stage.rps), number(stage.cpuUsPerRequest)]),
      ),
    );
    const cpu = Object.fromEntries(r.stages.map((stage) => [stage.id, stage.cpuUsPerRequest]));
    lines.push(
      '',
      `Over an empty Worker, Gatehouse's middleware costs ${number(cpu.noToken - cpu.empty)} µs, the HMAC check ` +
        `${number(cpu.badSignature - cpu.noToken)} µs, and the session read with the 200 response ` +
        `${number(cpu.full - cpu.badSignature)} µs; one D1 read on its own costs ${number(cpu.d1 - cpu.empty)} µs ` +
        'in the local D1 (Miniflare runs it in the same workerd process, so its CPU is counted here).',
    );
  }

  lines.push(
    '',
    `### POST /login, one request at a time (n = ${r.plan.logins}, the runtimes taking turns)`,
    '',
  );
  lines.push(
    table(
      [
        'Runtime',
        'p50 ms',
        'p99 ms',
        'raw PBKDF2 p50 ms',
        'login ÷ PBKDF2',
        'server CPU ms/login',
        'PBKDF2 CPU ms',
        'CPU ratio',
      ],
      runtimes.map(({ label, login }) => [
        label,
        ms(login.p50),
        ms(login.p99),
        ms(login.pbkdf2.p50),
        number(login.ratioToPbkdf2, 3),
        ms(login.cpuMs),
        ms(login.pbkdf2.cpuMs),
        number(login.cpuRatioToPbkdf2, 3),
      ]),
    ),
  );
  lines.push(
    '',
    'Raw PBKDF2 = one request to a probe in the same runtime that does nothing but PBKDF2-SHA256 × 100,000 ' +
      `(an empty request to that probe takes ${ms(gatehouse.login.emptyRoundTrip.p50)} ms in workerd, ` +
      `${ms(express.login.emptyRoundTrip.p50)} ms on Node). Server CPU is the server process's CPU time per ` +
      "request; for workerd it includes the local D1 and rate limiter, which Miniflare runs in the Worker's process.",
  );

  if (r.ownCpu) {
    lines.push('', "### Gatehouse's own CPU per request: storage answered in memory, workerd (median)", '');
    lines.push(
      table(
        ['Request', 'CPU ms', 'wall ms'],
        r.ownCpu.map((row) => [row.label, number(row.cpuMs, 3), ms(row.wallMs)]),
      ),
    );
    const own = Object.fromEntries(r.ownCpu.map((row) => [row.id, row.cpuMs]));
    lines.push(
      '',
      'What a Workers CPU limit counts (the Free plan allows 10 ms per request): D1 and the rate limiter ' +
        'are stand-ins inside the isolate, so waiting on them costs nothing, as in production. The figures are ' +
        "the whole workerd process's CPU for one request at a time, runtime overhead included (see the empty " +
        `response), so they are an upper bound. A log-in takes ${number(own.login, 2)} ms, of which ` +
        `${number(own.pbkdf2 - own.empty, 2)} ms is PBKDF2 and about ${number(own.login - own.pbkdf2, 2)} ms ` +
        `Gatehouse's own code; /data takes ${number(own.data, 2)} ms.`,
    );
  }

  lines.push(
    '',
    `### Failed log-ins: unknown user against wrong password (n = ${r.plan.timingPairs} each, random order)`,
    '',
  );
  lines.push(
    table(
      ['Runtime', 'unknown user p50 ms', 'wrong password p50 ms', 'unknown ÷ wrong'],
      runtimes.map(({ label, timing }) => [
        label,
        ms(timing.unknown.p50),
        ms(timing.wrong.p50),
        number(timing.ratio, 3),
      ]),
    ),
  );

  lines.push('', `### Cold start: process start to the first 200 on /data (n = ${r.plan.coldStarts})`, '');
  lines.push(
    table(
      ['Runtime', 'p50 ms', 'min ms'],
      runtimes.map(({ label, coldStart }) => [label, ms(coldStart.p50), ms(coldStart.min)]),
    ),
  );

  lines.push(
    '',
    `### JWT HS256 sign and verify (ops/s; Node: one process, median of ${r.plan.jwtRounds} rounds of the median call; workerd: ${r.plan.jwtRounds} rounds of 2,000 calls)`,
    '',
  );
  const jwtName = (name) => (name === 'webcrypto-floor' ? 'one crypto.subtle call (floor)' : name);
  const jwtRows = Object.entries(r.jwt).map(([name, ops]) => [
    jwtName(name),
    number(ops.sign.opsPerSecond),
    number(ops.verify.opsPerSecond),
    r.jwtWorkerd?.[name] ? number(r.jwtWorkerd[name].sign.opsPerSecond) : 'n/a',
    r.jwtWorkerd?.[name] ? number(r.jwtWorkerd[name].verify.opsPerSecond) : 'n/a',
  ]);
  lines.push(table(['Library', 'sign, Node', 'verify, Node', 'sign, workerd', 'verify, workerd'], jwtRows));
  lines.push(
    '',
    "jsonwebtoken needs Node's crypto module, so it runs in Node only. The floor is one " +
      'crypto.subtle.sign or verify with a cached key on the same bytes: what any HS256 on Web Crypto must spend.',
  );

  lines.push('', '### Sizes (gzip -9; 1 kB = 1,000 bytes)', '');
  const s = r.sizes;
  const sizeRows = [
    ['Worker bundle (`wrangler deploy --dry-run`)', kB(s.workerGzipBytes), kB(s.workerRawBytes)],
    ['Hono + hono/jwt baseline bundle', kB(s.honoBaselineGzipBytes), '–'],
  ];
  if (s.pwa) {
    sizeRows.push([
      `PWA first-load JS (${s.pwa.jsFiles.map((f) => f.file).join(', ')}; ${s.pwa.method})`,
      kB(s.pwa.jsGzipBytes),
      '–',
    ]);
    sizeRows.push(['PWA first-load CSS', kB(s.pwa.cssGzipBytes), '–']);
    if (s.pwa.serviceWorkerGzipBytes !== null)
      sizeRows.push(['PWA service worker (fetched after load)', kB(s.pwa.serviceWorkerGzipBytes), '–']);
  } else {
    sizeRows.push(['PWA first-load JS / CSS', 'not built', '–']);
  }
  lines.push(table(['What', 'gzip', 'raw'], sizeRows));

  lines.push('', '### Targets', '');
  lines.push(
    table(
      ['Target', 'Measured', 'Goal', 'Met'],
      r.targets.map((t) => [
        t.label,
        t.value === null
          ? '–'
          : `${number(t.value, t.unit === 'kB' ? 1 : 2)} ${t.unit === 'kB' ? 'kB' : '×'}`,
        t.goal,
        t.met === null ? 'n/a' : t.met ? 'yes' : 'NO',
      ]),
    ),
  );
  if (r.notes.length > 0) lines.push('', 'Notes:', ...r.notes.map((note) => `- ${note}`));
  return lines.join('\n');
}
