// `npm start`: everything a fresh clone needs, then `wrangler dev` on 127.0.0.1:${PORT:-8787}.
// Safe to run again: the secret is created only once and local migrations apply only what is new,
// so restarting keeps both the data and every token already issued. Nothing here asks a question.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

const HOST = '127.0.0.1';
/** The placeholder in .dev.vars.example; the Worker refuses it. */
const EXAMPLE_SECRET = 'replace-with-at-least-32-random-bytes';

function fail(message) {
  console.error(message);
  process.exit(1);
}

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { stdio: 'inherit', env, shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Resolves when nothing listens on the port; `wrangler dev` would otherwise fail deep in esbuild. */
function checkPortFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error) => {
      if (error.code === 'EADDRINUSE') {
        fail(
          `Port ${port} on ${HOST} is already in use (another \`npm start\`?). Stop that server, or start on another port: PORT=${port + 1} npm start`,
        );
      }
      fail(`Cannot listen on ${HOST}:${port}: ${error.message}. Choose another port: PORT=8788 npm start`);
    });
    probe.listen(port, HOST, () => probe.close(resolve));
  });
}

const portText = process.env.PORT ?? '8787';
const port = Number(portText);
if (!/^[0-9]+$/.test(portText) || port < 1 || port > 65535) {
  fail(`PORT must be a port number from 1 to 65535, not "${portText}". Example: PORT=9000 npm start`);
}
await checkPortFree(port);

const secret = () => randomBytes(32).toString('base64url');
if (!existsSync('.dev.vars')) {
  // 32 random bytes is the minimum the Worker accepts; the value is never printed.
  writeFileSync('.dev.vars', `JWT_SECRET=${secret()}\n`, { mode: 0o600 });
  console.log('Created .dev.vars with a random JWT_SECRET (git-ignored).');
} else {
  // A .dev.vars copied from the example would make every request answer 503: the placeholder is public.
  const devVars = readFileSync('.dev.vars', 'utf8');
  if (devVars.includes(EXAMPLE_SECRET)) {
    writeFileSync('.dev.vars', devVars.replace(EXAMPLE_SECRET, secret()), { mode: 0o600 });
    console.log("Replaced the example JWT_SECRET in .dev.vars with a random one (the example's is public).");
  }
}

run('npm', ['run', '--silent', 'build']);
// Local migrations need no confirmation: wrangler asks only in an interactive terminal, and CI=true
// tells it (this one child process only) to take its default, "yes".
run('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local'], { ...process.env, CI: 'true' });
run('npx', ['wrangler', 'dev', '--ip', HOST, '--port', String(port), ...process.argv.slice(2)]);
