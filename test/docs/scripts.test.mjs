// The scripts a new developer runs first stop early with one line saying what to do, before they
// build, migrate or deploy anything.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../../tools/free-port.mjs';
import { ROOT } from '../browser/harness.mjs';

function runScript(script, args = [], env = {}, cwd = ROOT) {
  return spawnSync(process.execPath, [join(ROOT, 'scripts', script), ...args], {
    cwd,
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
  const port = await freePort();
  await new Promise((resolve) => busy.listen(port, '127.0.0.1', () => resolve(undefined)));
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

test('npm start writes a random secret into a new .dev.vars, or in place of the example placeholder', async () => {
  // In an empty folder: the script does its .dev.vars work, then stops at the build (no package.json).
  const folder = mkdtempSync(join(tmpdir(), 'gatehouse-start-'));
  const secretOf = (text) => text.match(/^JWT_SECRET=(.*)$/m)?.[1];
  try {
    const port = String(await freePort());
    const created = runScript('start.mjs', [], { PORT: port }, folder);
    assert.notEqual(created.status, 0, 'stops at the build');
    assert.match(created.stdout, /^Created \.dev\.vars with a random JWT_SECRET/);
    const devVars = join(folder, '.dev.vars');
    assert.match(secretOf(readFileSync(devVars, 'utf8')), /^[\w-]{43}$/);
    assert.equal(statSync(devVars).mode & 0o777, 0o600);

    const example = readFileSync(join(ROOT, '.dev.vars.example'), 'utf8');
    writeFileSync(devVars, `${example}THROTTLING=off\n`);
    const replaced = runScript('start.mjs', [], { PORT: port }, folder);
    assert.match(replaced.stdout, /^Replaced the example JWT_SECRET in \.dev\.vars with a random one/);
    const after = readFileSync(devVars, 'utf8');
    assert.match(secretOf(after), /^[\w-]{43}$/);
    assert.match(after, /^THROTTLING=off$/m, 'the rest of the file is kept');
    assert.doesNotMatch(after, /replace-with-at-least-32-random-bytes/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
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
