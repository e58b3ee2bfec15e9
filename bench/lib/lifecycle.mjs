// A run from start to clean end: a temporary folder, and every child process stopped and the folder
// removed when the run ends, fails, is interrupted (Ctrl-C, SIGTERM) or overruns its time limit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopAllChildren } from './proc.mjs';
import { progress } from './progress.mjs';

/**
 * Runs `main` with a fresh temporary folder. Exit codes: 1 when it fails, 2 past the time limit, 130
 * when interrupted.
 * @param {number} minutes   the time limit
 * @param {(tmp: string) => Promise<void>} main
 */
export async function runCleanly(minutes, main) {
  const tmp = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  let finished = false;
  const cleanUp = async () => {
    await stopAllChildren();
    rmSync(tmp, { recursive: true, force: true });
  };
  const deadline = setTimeout(async () => {
    progress(`stopping: over the ${minutes}-minute limit`);
    await cleanUp();
    process.exit(2);
  }, minutes * 60_000);
  deadline.unref();
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, async () => {
      if (finished) return;
      finished = true;
      await cleanUp();
      process.exit(130);
    });
  }
  try {
    await main(tmp);
  } catch (error) {
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
    process.exitCode = 1;
  } finally {
    finished = true;
    await cleanUp();
    clearTimeout(deadline);
  }
}
