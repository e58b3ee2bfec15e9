// `npm start`: everything a fresh clone needs, then `wrangler dev` on 127.0.0.1:${PORT:-8787}.
// Safe to run again: the secret is created only once and local migrations apply only what is new,
// so restarting keeps both the data and every token already issued.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';

const port = process.env.PORT ?? '8787';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync('.dev.vars')) {
  // 32 random bytes is the minimum the Worker accepts; the value is never printed.
  writeFileSync('.dev.vars', `JWT_SECRET=${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  console.log('Created .dev.vars with a random JWT_SECRET (git-ignored).');
}

run('npm', ['run', '--silent', 'build']);
run('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local']);
run('npx', ['wrangler', 'dev', '--ip', '127.0.0.1', '--port', port, ...process.argv.slice(2)]);
