// The scripts a new developer runs first stop early with one line saying what to do, before they
// build, migrate or deploy anything.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../browser/harness.mjs';

function runScript(script, args = [], env = {}) {
  return spawnSync(process.execPath, [join(ROOT, 'scripts', script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

function oneLine(text) {
  const lines = text.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got:\n${text}`);
  return lines[0];
}

test('npm start on a port in use says so in one line, naming PORT=, and starts nothing', async () => {
  const busy = createServer();
  await new Promise((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const { port } = busy.address();
  const hadDevVars = existsSync(join(ROOT, '.dev.vars'));
  try {
    const result = runScript('start.mjs', [], { PORT: String(port) });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.match(oneLine(result.stderr), new RegExp(`^Port ${port} .* in use.*PORT=${port + 1} npm start$`));
    assert.equal(existsSync(join(ROOT, '.dev.vars')), hadDevVars, 'no .dev.vars written');
  } finally {
    busy.close();
  }
});

test('npm start with a PORT that is not a port number says so in one line', () => {
  const result = runScript('start.mjs', [], { PORT: 'eighty' });
  assert.equal(result.status, 1);
  assert.match(oneLine(result.stderr), /^PORT must be a port number .*not "eighty".*PORT=9000 npm start/);
});

test('npm run deploy refuses the placeholder database_id in one line, before building', () => {
  const folder = mkdtempSync(join(tmpdir(), 'gatehouse-deploy-'));
  try {
    const config = join(folder, 'wrangler.toml');
    const toml = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8').replace(
      /^(\s*database_id\s*=\s*)"[^"]*"/m,
      '$1"00000000-0000-0000-0000-000000000000"',
    );
    writeFileSync(config, toml);
    const result = runScript('deploy.mjs', ['--config', config]);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '', 'nothing built or deployed');
    assert.match(
      oneLine(result.stderr),
      /still has the placeholder database_id: run `npx wrangler d1 create gatehouse` and put the id it prints there \(docs\/deploy\.md\)\.$/,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
