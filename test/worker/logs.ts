// The Worker's log lines (worker/log.ts) during the Worker tests: captured instead of printed, so a
// green run reads green. A test that provokes a warning or an error on purpose takes those lines with
// `takeLogs` and asserts on them; whatever warning or error no test took is printed after its test,
// where it is news. Output that is not a Worker log line passes through untouched.
import { afterEach } from 'vitest';

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly event: string;
  readonly [field: string]: unknown;
}

const METHODS = ['log', 'info', 'warn', 'error'] as const;
const original = Object.fromEntries(METHODS.map((method) => [method, console[method]])) as Record<
  (typeof METHODS)[number],
  (...args: unknown[]) => void
>;
let lines: LogLine[] = [];

function asLogLine(args: unknown[]): LogLine | null {
  if (args.length !== 1 || typeof args[0] !== 'string' || !args[0].startsWith('{"level":')) return null;
  try {
    return JSON.parse(args[0]) as LogLine;
  } catch {
    return null;
  }
}

for (const method of METHODS) {
  console[method] = (...args: unknown[]) => {
    const line = asLogLine(args);
    if (line === null) original[method](...args);
    else lines.push(line);
  };
}

/** The lines logged since the test began and not yet taken, in order. */
export function logLines(): readonly LogLine[] {
  return lines;
}

/** Removes and returns the lines whose fields equal every field of `match`. */
export function takeLogs(match: Readonly<Record<string, unknown>> = {}): LogLine[] {
  const matches = (line: LogLine) => Object.entries(match).every(([key, value]) => line[key] === value);
  const taken = lines.filter(matches);
  lines = lines.filter((line) => !matches(line));
  return taken;
}

afterEach(() => {
  // The pool's bindings switch throttling off on purpose (vitest.config.ts): its warning is expected.
  takeLogs({ event: 'throttling_off' });
  for (const line of lines) {
    if (line.level !== 'info') original[line.level === 'warn' ? 'warn' : 'error'](JSON.stringify(line));
  }
  lines = [];
});
