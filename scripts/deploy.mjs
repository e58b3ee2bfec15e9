// `npm run deploy`: refuses a wrangler.toml that still has the placeholder D1 id (wrangler would fail
// late, or deploy a Worker bound to no database), then builds the PWA and deploys. Arguments are passed
// on to `wrangler deploy`; `--config <file>` also names the file checked here.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const PLACEHOLDER_ID = '00000000-0000-0000-0000-000000000000';

const args = process.argv.slice(2);
const configAt = args.findIndex((arg) => arg === '--config' || arg === '-c');
const config = configAt === -1 ? 'wrangler.toml' : args[configAt + 1];

const databaseId = readFileSync(config, 'utf8').match(/^\s*database_id\s*=\s*"([^"]*)"/m)?.[1];
if (databaseId === undefined || databaseId === PLACEHOLDER_ID) {
  console.error(
    `${config} still has the placeholder database_id: run \`npx wrangler d1 create gatehouse\` and put the id it prints there (docs/deploy.md).`,
  );
  process.exit(1);
}

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('npm', ['run', '--silent', 'build']);
run('npx', ['wrangler', 'deploy', ...args]);
