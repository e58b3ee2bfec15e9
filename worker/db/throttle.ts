// The throttle's statements (auth/login-throttle.ts has the rules). An attempt is counted before its
// password is checked, by conditional upserts that take it only while the throttle allows one more:
// concurrent guesses are serialised by D1 and cannot all slip past a check made before hashing. A
// successful check gives the counts back. D1 has no BEGIN; one db.batch() is one transaction, and the
// statements of a batch see each other's writes in order.
import { type SQL, sql } from 'drizzle-orm';
import {
  type AttemptSource,
  GLOBAL_WINDOW_SECONDS,
  nameStopSeconds,
  sourceBackoffSeconds,
  windowStart,
} from '../auth/login-throttle';
import type { Settings } from '../config';
import { batch, type Rows, type Statement } from './batch';
import type { Database } from './client';

const FAILED_LOGINS = 'failed-logins';
const SIGNUPS = 'signups';

/** The settings the throttle follows; the global failed-log-in cap applies to network sources only. */
export type AttemptLimits = Pick<Settings, 'loginThrottle' | 'globalLimits'>;

/** An attempt that has been counted: what a successful check gives back. */
export interface Attempt {
  readonly name: string;
  readonly source: AttemptSource;
  /** The global window it was counted in; null when it was not counted globally. */
  readonly window: number | null;
}

export type Reservation =
  | { readonly ok: true; readonly attempt: Attempt }
  | { readonly ok: false; readonly retryAfter: number; readonly blockedBy: 'source' | 'name' | 'global' };

interface ThrottleState {
  source_failures: number | null;
  source_blocked_until: number | null;
  name_blocked_until: number | null;
  global_count: number | null;
  owner_id: string | null;
}

/** The block a first failure sets (the insert path of an upsert): `now` plus the schedule, or 0. */
function blockAfter(seconds: number, now: number): number {
  return seconds === 0 ? 0 : now + seconds;
}

/**
 * The statements that count one attempt of `source` at `name`, for a batch, and how to read their
 * results. Taken only when the source is not waiting and either the name is open (and, for a network,
 * the global cap has room) or the source vouches for the name's user and is under its free failures.
 */
export function reserveAttemptStatements(
  name: string,
  source: AttemptSource,
  now: number,
  limits: AttemptLimits,
) {
  const policy = limits.loginThrottle;
  const cap = limits.globalLimits.failedLoginsPerMinute;
  const attemptId = crypto.randomUUID();
  const window = windowStart(now);
  const countsGlobally = source.vouchesFor === undefined;
  const nameOpen = sql`coalesce((SELECT blocked_until FROM login_failures WHERE username_canonical = ${name}), 0) <= ${now}`;
  const globalRoom = sql`coalesce((SELECT count FROM global_limits WHERE name = ${FAILED_LOGINS} AND window_start = ${window}), 0) < ${cap}`;
  const exempt =
    source.vouchesFor === undefined
      ? sql`0`
      : sql`(${source.vouchesFor} = (SELECT id FROM users WHERE username_canonical = ${name})
          AND coalesce((SELECT failures FROM login_source_failures
            WHERE username_canonical = ${name} AND source = ${source.key}), 0) < ${policy.freeFailures})`;
  const gate: SQL = countsGlobally ? sql`${nameOpen} AND ${globalRoom}` : sql`(${nameOpen}) OR ${exempt}`;
  const takenByThisAttempt = sql`EXISTS (SELECT 1 FROM login_source_failures
    WHERE username_canonical = ${name} AND source = ${source.key} AND attempt = ${attemptId})`;

  const statements: Statement[] = [
    // The per-source count; RETURNING a row means the attempt was taken. The backoff is
    // sourceBackoffSeconds() written in SQL (a test checks that they agree for every count).
    sql`
      INSERT INTO login_source_failures
        (username_canonical, source, failures, last_failed_at, blocked_until, attempt)
      SELECT ${name}, ${source.key}, 1, ${now}, ${blockAfter(sourceBackoffSeconds(1, policy), now)}, ${attemptId}
      WHERE ${gate}
      ON CONFLICT (username_canonical, source) DO UPDATE SET
        failures = failures + 1,
        last_failed_at = excluded.last_failed_at,
        attempt = excluded.attempt,
        blocked_until = CASE
          WHEN failures + 1 <= ${policy.freeFailures} THEN 0
          ELSE ${now} + min(${policy.maxBackoffSeconds}, 1 << min(30, failures + 1 - ${policy.freeFailures}))
        END
      WHERE blocked_until <= ${now}
      RETURNING failures`,
    // The name-wide count follows only if this attempt was taken above.
    sql`
      INSERT INTO login_failures (username_canonical, failures, last_failed_at, blocked_until)
      SELECT ${name}, 1, ${now}, ${blockAfter(nameStopSeconds(1, policy), now)}
      WHERE ${takenByThisAttempt}
      ON CONFLICT (username_canonical) DO UPDATE SET
        failures = failures + 1,
        last_failed_at = excluded.last_failed_at,
        blocked_until = CASE
          WHEN failures + 1 >= ${policy.hardStopFailures} THEN ${now + policy.hardStopSeconds}
          ELSE 0
        END`,
  ];
  if (countsGlobally) {
    statements.push(
      sql`
        INSERT INTO global_limits (name, window_start, count)
        SELECT ${FAILED_LOGINS}, ${window}, 1
        WHERE ${takenByThisAttempt}
        ON CONFLICT (name) DO UPDATE SET
          count = CASE WHEN window_start = excluded.window_start THEN count + 1 ELSE 1 END,
          window_start = excluded.window_start`,
    );
  }
  // What a refusal tells the client: how long to wait.
  statements.push(
    sql`
      SELECT
        (SELECT failures FROM login_source_failures
          WHERE username_canonical = ${name} AND source = ${source.key}) AS source_failures,
        (SELECT blocked_until FROM login_source_failures
          WHERE username_canonical = ${name} AND source = ${source.key}) AS source_blocked_until,
        (SELECT blocked_until FROM login_failures WHERE username_canonical = ${name}) AS name_blocked_until,
        (SELECT count FROM global_limits
          WHERE name = ${FAILED_LOGINS} AND window_start = ${window}) AS global_count,
        (SELECT id FROM users WHERE username_canonical = ${name}) AS owner_id`,
  );

  const read = (results: readonly Rows[]): Reservation => {
    if (results[0]?.length === 1) {
      return { ok: true, attempt: { name, source, window: countsGlobally ? window : null } };
    }
    const state = results[results.length - 1]?.[0] as unknown as ThrottleState;
    const exempt =
      source.vouchesFor !== undefined &&
      state.owner_id === source.vouchesFor &&
      (state.source_failures ?? 0) < policy.freeFailures;
    const globalFull = countsGlobally && (state.global_count ?? 0) >= cap;
    const waits: [number, 'source' | 'name' | 'global'][] = [
      [(state.source_blocked_until ?? 0) - now, 'source'],
      [exempt ? 0 : (state.name_blocked_until ?? 0) - now, 'name'],
      [globalFull ? window + GLOBAL_WINDOW_SECONDS - now : 0, 'global'],
    ];
    // The longest wait is the one that tells the truth about when to come back.
    const [retryAfter, blockedBy] = waits.reduce((longest, wait) => (wait[0] > longest[0] ? wait : longest));
    return { ok: false, retryAfter: Math.max(1, retryAfter), blockedBy };
  };
  return { statements, read };
}

/** Counts one attempt on its own (for callers that have nothing to batch with it). */
export async function reserveAttempt(
  db: Database,
  name: string,
  source: AttemptSource,
  now: number,
  limits: AttemptLimits,
): Promise<Reservation> {
  const { statements, read } = reserveAttemptStatements(name, source, now, limits);
  return read(await batch(db, statements));
}

/**
 * The statements that give a successful attempt back: its source's and its name's consecutive
 * failures end, and the global count returns its slot. With `onlyIf`, only when that holds (the log-in
 * really started its session).
 */
export function releaseAttemptStatements(attempt: Attempt, onlyIf: SQL = sql`1`): Statement[] {
  const statements: Statement[] = [
    sql`DELETE FROM login_source_failures
      WHERE username_canonical = ${attempt.name} AND source = ${attempt.source.key} AND ${onlyIf}`,
    sql`DELETE FROM login_failures WHERE username_canonical = ${attempt.name} AND ${onlyIf}`,
  ];
  if (attempt.window !== null) {
    statements.push(
      sql`UPDATE global_limits SET count = count - 1
        WHERE name = ${FAILED_LOGINS} AND window_start = ${attempt.window} AND count > 0 AND ${onlyIf}`,
    );
  }
  return statements;
}

export async function releaseAttempt(db: Database, attempt: Attempt): Promise<void> {
  await batch(db, releaseAttemptStatements(attempt));
}

/**
 * Counts one sign-up against the global cap; false when this minute's sign-ups are used up. Every
 * sign-up that gets this far costs one password hash, whatever its outcome, so none is given back.
 */
export async function reserveSignup(db: Database, now: number, perWindow: number): Promise<boolean> {
  const window = windowStart(now);
  const [taken] = await batch(db, [
    sql`
    INSERT INTO global_limits (name, window_start, count) VALUES (${SIGNUPS}, ${window}, 1)
    ON CONFLICT (name) DO UPDATE SET
      count = CASE WHEN window_start = excluded.window_start THEN count + 1 ELSE 1 END,
      window_start = excluded.window_start
    WHERE window_start <> excluded.window_start OR count < ${perWindow}
    RETURNING count`,
  ]);
  return taken?.length === 1;
}
