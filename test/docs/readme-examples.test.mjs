// The README's curl examples, pasted top to bottom as a reader would, against a real server: `wrangler
// dev` on a free port with its own temporary D1 and secret (the browser tests' server). Every call must
// succeed, except one whose line ends in a comment naming the status it shows (`# 401`), which must get
// exactly that. An example that stops working fails here, not in a reader's terminal.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildPwa, ROOT, startServer } from '../browser/harness.mjs';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const DOCUMENTED_ORIGIN = 'http://127.0.0.1:8787';

/** The README's shell blocks that call the API with curl (and run nothing else), in order. */
function apiExamples() {
  const blocks = [...README.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
  return blocks.filter(
    (block) =>
      block.includes(DOCUMENTED_ORIGIN) &&
      /^(?:\w+=\$\()?curl\s/m.test(block) &&
      !/\b(?:npm|npx)\s/.test(block),
  );
}

/** For each curl call, in order: the status its line says it shows, or null for "any success". */
function expectedStatuses(script) {
  const expected = [];
  for (const line of script.split('\n')) {
    const [code, comment = ''] = line.split(/\s#\s?/, 2);
    if (line.trimStart().startsWith('#')) continue;
    const calls = code.match(/\bcurl\s/g)?.length ?? 0;
    const documented = comment.match(/^(\d{3})\b/)?.[1];
    for (let i = 0; i < calls; i++) expected.push(documented === undefined ? null : Number(documented));
  }
  return expected;
}

let server;
before(
  async () => {
    if (!existsSync(join(ROOT, 'pwa', 'dist', 'index.html'))) buildPwa();
    server = await startServer();
  },
  { timeout: 180_000 },
);
after(async () => {
  await server?.stop();
});

test("the README's curl examples work when pasted top to bottom", () => {
  const blocks = apiExamples();
  assert.ok(blocks.length >= 4, 'the sign-up, log-in, data and sessions examples are found');
  const script = blocks.join('\n').replaceAll(DOCUMENTED_ORIGIN, server.base);
  // Each curl call also reports its status and request on stderr, where the reader's terminal would
  // show nothing extra; stdout is what the reader sees.
  const prelude = `curl() { command curl --silent --show-error --write-out '%{stderr}%{http_code} %{method} %{url_effective}\\n' "$@"; }\n`;
  const run = spawnSync('bash', ['-c', prelude + script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, `the examples ran to the end:\n${run.stderr}`);

  const calls = run.stderr
    .trim()
    .split('\n')
    .map((line) => line.match(/^(\d{3}) (\S+) (\S+)$/))
    .filter((match) => match !== null)
    .map(([, status, method, url]) => ({
      status: Number(status),
      call: `${method} ${new URL(url).pathname}`,
    }));
  const expected = expectedStatuses(script);
  assert.equal(calls.length, expected.length, `every curl call ran:\n${run.stderr}`);
  calls.forEach(({ status, call }, i) => {
    const want = expected[i];
    if (want === null)
      assert.ok(status >= 200 && status < 300, `${call} succeeds, got ${status}\n${run.stdout}`);
    else assert.equal(status, want, `${call} shows ${want}`);
  });

  // What the reader sees: the token from the plain log-in, and the JSON shapes the README shows.
  assert.match(run.stdout, /"token_type":"Bearer"/);
  assert.match(run.stdout, /"session_expires_at":\d+/);
  assert.match(run.stdout, /"sessions":\[/);
  const problems = run.stdout.match(/"status":\s*[45]\d\d/g) ?? [];
  assert.equal(problems.length, expected.filter((status) => status >= 400).length, 'no unexpected problem');
});
