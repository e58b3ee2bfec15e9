// Child processes the benchmark starts, and the CPU time they use (Linux /proc).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100;
const started = new Set();
const extraStoppers = new Set();

/** Registers how to stop something started outside startChild (e.g. a process group). */
export function onStopAll(stop) {
  extraStoppers.add(stop);
  return () => extraStoppers.delete(stop);
}

function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * CPU time of a process in milliseconds, all its threads together: from the scheduler's nanosecond
 * counters when the kernel has them, else from the 10 ms ticks of /proc/<pid>/stat. NaN when unreadable.
 */
export function cpuTimeMs(pid) {
  try {
    let ns = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // The thread ended while we looked.
      }
    }
    if (ns > 0) return ns / 1e6;
  } catch {
    // No schedstat: fall back to clock ticks.
  }
  try {
    const fields = statFields(pid);
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Direct children of `pid` whose command name contains `name`. */
export function childPids(pid, name) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(entry)[1]) !== pid) continue;
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').includes(name)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/**
 * Starts a child and resolves once one of its stdout lines starts with `marker` (the rest of the line
 * is returned), or rejects after `timeoutMs`. Everything the child prints is kept for error messages.
 * @param {string} command
 * @param {string[]} args
 * @param {{ marker?: string, timeoutMs?: number, env?: Record<string, string>, cwd?: string, input?: string }} [options]
 */
export function startChild(command, args, { marker, timeoutMs = 60_000, env, cwd, input } = {}) {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  started.add(child);
  child.on('exit', () => started.delete(child));
  let output = '';
  const remember = (chunk) => {
    output = (output + chunk).slice(-20_000);
  };
  child.stderr.on('data', remember);
  if (input !== undefined) child.stdin.write(input);
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${command} ${args[0] ?? ''} did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      remember(chunk);
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (marker !== undefined && line.startsWith(marker)) {
          clearTimeout(timer);
          resolve(line.slice(marker.length).trim());
        }
        newline = buffered.indexOf('\n');
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`${command} ${args[0] ?? ''} exited (${code ?? signal}) before it was ready:\n${output}`),
      );
    });
  });
  return { child, ready, output: () => output };
}

/**
 * Stops a child we started: SIGTERM, then SIGKILL after `graceMs`. Resolves when it has exited.
 * @param {import('node:child_process').ChildProcess} child
 * @returns {Promise<void>}
 */
export function stopChild(child, graceMs = 5_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin?.end();
    child.kill('SIGTERM');
  });
}

/** Every child still running, for the last-resort clean-up on errors and signals. */
export async function stopAllChildren() {
  await Promise.all([...started].map((child) => stopChild(child, 3_000)));
  await Promise.all([...extraStoppers].map((stop) => stop()));
}
