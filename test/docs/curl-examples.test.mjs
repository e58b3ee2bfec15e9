// The docs' curl examples, pasted top to bottom as a reader would, against a real server: `wrangler
// dev` on a free port with its own temporary D1 and secret (the browser tests' server). A file's
// examples are its shell blocks that call the documented address with curl; they run in order as one
// script, one file after another. Every call must succeed, except one whose line ends in a comment
// naming the status it shows (`# 401`), which must get exactly that. An example that stops working
// fails here, not in a reader's terminal.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildPwa, ROOT, startServer } from '../browser/harness.mjs';
import { docFiles, fencedBlocks, readDoc } from './markdown.mjs';

const DOCUMENTED_ORIGIN = 'http://127.0.0.1:8787';
/** The reference's session with curl: sign-up to log-out, every route of the tutorial and the sessions. */
const API_REFERENCE = 'docs/api.md';

/** A file's shell blocks that call the API with curl (and run nothing else), in order. @param {string} file */
function curlExamples(file) {
  return fencedBlocks(readDoc(file))
    .filter(({ lang }) => lang === 'sh')
    .map(({ body }) => body)
    .filter(
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

/** Runs the blocks as one script against the server and checks every call's status; returns stdout. */
function pasteAndRun(blocks) {
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
  const problems = run.stdout.match(/"status":\s*[45]\d\d/g) ?? [];
  assert.equal(
    problems.length,
    expected.filter((status) => status !== null && status >= 400).length,
    'no unexpected problem',
  );
  return run.stdout;
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

test(`${API_REFERENCE}'s session with curl works when pasted top to bottom`, () => {
  const blocks = curlExamples(API_REFERENCE);
  assert.ok(blocks.length >= 4, 'the sign-up, log-in, data and sessions examples are found');
  const stdout = pasteAndRun(blocks);
  // What the reader sees: the token from the plain log-in, and the JSON shapes the reference shows.
  assert.match(stdout, /"token_type":"Bearer"/);
  assert.match(stdout, /"session_expires_at":\d+/);
  assert.match(stdout, /"sessions":\[/);
});

for (const file of docFiles().filter((name) => name !== API_REFERENCE)) {
  const blocks = curlExamples(file);
  if (blocks.length === 0) continue;
  test(`${file}'s curl examples work when pasted top to bottom`, () => {
    pasteAndRun(blocks);
  });
}
