// Runs one Worker bundle in local workerd through Miniflare's Node API — no `wrangler dev`, no dev
// proxy. Requests reach the Worker on a direct socket, without Miniflare's own entry worker in front,
// which is the closest local stand-in for production. Started by lib/servers.mjs with a JSON config on
// stdin; prints `READY <json>` and serves until stdin closes or it gets SIGTERM.
//
// config: { name, scriptPath, wholeDirectory?, compatibilityDate, compatibilityFlags, d1Databases,
//           ratelimits, bindings, persistDir, migrations?: [{ binding, files }],
//           firstRequest?: { path, headers }, instances? }
// `instances` (default 1) runs that many copies of the Worker, each in its own isolate with its own
// socket, sharing the same D1: what several isolates of one deployment are.
// `wholeDirectory` loads every module next to scriptPath (a bundle's text, data or wasm modules).
import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { childPids } from './proc.mjs';

// The Miniflare and workerd that wrangler itself uses, so the bench runs what `wrangler dev` runs.
const fromWrangler = createRequire(createRequire(import.meta.url).resolve('wrangler/package.json'));
const { Miniflare, Log, LogLevel, convertV4MiniflareOptions } = fromWrangler('miniflare');

function readStdin() {
  return new Promise((resolve) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => {
      text += chunk;
      const newline = text.indexOf('\n');
      if (newline !== -1) resolve(text.slice(0, newline));
    });
  });
}

function get(url, headers) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** drizzle-kit's SQL files, in order, each split into its statements. */
async function applyMigrations(mf, binding, files) {
  const db = await mf.getD1Database(binding);
  for (const file of files) {
    const statements = readFileSync(file, 'utf8')
      .split('--> statement-breakpoint')
      .map((statement) => statement.trim())
      .filter((statement) => statement !== '');
    if (statements.length > 0) await db.batch(statements.map((statement) => db.prepare(statement)));
  }
}

/** @type {[RegExp, string][]} */
const MODULE_TYPES = [
  [/\.m?js$/, 'ESModule'],
  [/\.(txt|html|sql)$/, 'Text'],
  [/\.bin$/, 'Data'],
  [/\.wasm$/, 'CompiledWasm'],
];

/** The entry module first, then the others wrangler wrote beside it, typed as wrangler types them. */
function bundleModules(scriptPath) {
  const dir = dirname(scriptPath);
  const others = readdirSync(dir).filter((file) => file !== basename(scriptPath));
  const modules = [{ type: 'ESModule', path: scriptPath }];
  for (const file of others) {
    const type = MODULE_TYPES.find(([pattern]) => pattern.test(file))?.[1];
    if (type !== undefined) modules.push({ type, path: join(dir, file) });
  }
  return modules;
}

const config = JSON.parse(await readStdin());
const source = config.wholeDirectory
  ? { modules: bundleModules(config.scriptPath) }
  : { modules: true, scriptPath: config.scriptPath };
let logLines = 0;
const started = performance.now();
const names = Array.from({ length: config.instances ?? 1 }, (_, i) =>
  i === 0 ? config.name : `${config.name}-${i}`,
);
const mf = new Miniflare(
  convertV4MiniflareOptions({
    workers: names.map((name) => ({
      name,
      ...source,
      modulesRoot: dirname(config.scriptPath),
      compatibilityDate: config.compatibilityDate,
      compatibilityFlags: config.compatibilityFlags ?? [],
      d1Databases: config.d1Databases ?? {},
      ratelimits: config.ratelimits ?? {},
      bindings: config.bindings ?? {},
      unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
    })),
    resourcePersistencePath: config.persistDir,
    host: '127.0.0.1',
    port: 0,
    cf: false,
    // The Worker's one log line per request is counted, not printed.
    handleStructuredLogs: () => {
      logLines++;
    },
    log: new Log(LogLevel.WARN),
  }),
);
await mf.ready;
const urls = await Promise.all(names.map((name) => mf.unsafeGetDirectURL(name)));
const url = urls[0];
const readyMs = performance.now() - started;
for (const { binding, files } of config.migrations ?? []) await applyMigrations(mf, binding, files);

let firstOkMs = null;
let firstRequestMs = null;
if (config.firstRequest) {
  const target = new URL(config.firstRequest.path, url);
  for (let attempt = 0; attempt < 200 && performance.now() - started < 20_000; attempt++) {
    const sent = performance.now();
    const status = await get(target, config.firstRequest.headers ?? {}).catch(() => 0);
    if (status === 200) {
      firstOkMs = performance.now() - started;
      firstRequestMs = performance.now() - sent;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const [workerdPid] = childPids(process.pid, 'workerd');
process.stdout.write(
  `READY ${JSON.stringify({ url: url.href, urls: urls.map((each) => each.href), readyMs, firstOkMs, firstRequestMs, workerdPid })}\n`,
);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await mf.dispose().catch(() => undefined);
  process.stderr.write(`log lines: ${logLines}\n`);
  process.exit(0);
}
process.stdin.on('end', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
