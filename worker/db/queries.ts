// The statements the routes need. Uniqueness is decided by the unique index, never by a read before
// a write, and multi-statement work goes through db.batch() (D1 has no BEGIN).
import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { LoginThrottlePolicy } from '../auth/login-throttle';
import type { Database } from './client';
import {
  commonPasswords,
  loginFailures,
  revocationFeed,
  type Session,
  sessionRevocations,
  sessions,
  type User,
  users,
} from './schema';

export type NewUser = typeof users.$inferInsert;
export type NewSession = typeof sessions.$inferInsert;

// ---- users ----

/** Inserts the user unless the canonical name is taken; false means taken (→ 409). */
export async function insertUser(db: Database, user: NewUser): Promise<boolean> {
  const inserted = await db
    .insert(users)
    .values(user)
    .onConflictDoNothing({ target: users.usernameCanonical })
    .returning({ id: users.id });
  return inserted.length === 1;
}

export function findUserById(db: Database, id: string): Promise<User | undefined> {
  return db.select().from(users).where(eq(users.id, id)).get();
}

/**
 * New hash, every session of the user ended (the caller's too, so a stolen copy of its token dies
 * with the old password) with their feed row, and the caller's fresh session: one batch.
 */
export async function changePassword(
  db: Database,
  userId: string,
  passwordHash: string,
  newSession: NewSession,
  now: number,
) {
  await db.batch([
    db.update(users).set({ passwordHash }).where(eq(users.id, userId)),
    db
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt))),
    appendRevocationIfChanged(db, { userId, sessionId: null }, now),
    db.insert(sessions).values(newSession),
  ]);
}

/**
 * The user goes, and with it (ON DELETE CASCADE; D1 enforces foreign keys) every session; the name
 * becomes free at once. The feed row makes every isolate forget the sessions it has cached.
 */
export async function deleteAccount(db: Database, userId: string, now: number): Promise<void> {
  await db.batch([
    db.delete(users).where(eq(users.id, userId)),
    appendRevocationIfChanged(db, { userId, sessionId: null }, now),
  ]);
}

export async function isCommonPassword(db: Database, lowerCased: string): Promise<boolean> {
  const row = await db
    .select({ password: commonPasswords.password })
    .from(commonPasswords)
    .where(eq(commonPasswords.password, lowerCased))
    .get();
  return row !== undefined;
}

// ---- sessions ----

/**
 * Starts a session after a successful log-in, in one round trip with what goes with it: the upgraded
 * password hash when the parameters changed, and the end of the name's failure count when it had one.
 */
export async function startSession(
  db: Database,
  session: NewSession,
  also: { upgradedHash?: string | undefined; clearFailuresOf?: string | undefined } = {},
): Promise<void> {
  const insert = db.insert(sessions).values(session);
  const rest = [];
  if (also.upgradedHash !== undefined) {
    rest.push(db.update(users).set({ passwordHash: also.upgradedHash }).where(eq(users.id, session.userId)));
  }
  if (also.clearFailuresOf !== undefined) {
    rest.push(db.delete(loginFailures).where(eq(loginFailures.usernameCanonical, also.clearFailuresOf)));
  }
  if (rest.length === 0) await insert;
  else await db.batch([insert, ...rest]);
}

export type SessionState = Pick<Session, 'userId' | 'expiresAt' | 'revokedAt' | 'lastUsedAt' | 'generation'>;

function prepareFindSession(db: Database) {
  return db
    .select({
      userId: sessions.userId,
      expiresAt: sessions.expiresAt,
      revokedAt: sessions.revokedAt,
      lastUsedAt: sessions.lastUsedAt,
      generation: sessions.generation,
    })
    .from(sessions)
    .where(eq(sessions.id, sql.placeholder('id')))
    .prepare();
}

const findSessionStatements = new WeakMap<Database, ReturnType<typeof prepareFindSession>>();

/**
 * The one indexed read on every authenticated request: the session by primary key. Its SQL is built
 * once per client and reused, instead of by the query builder on every request.
 */
export function findSession(db: Database, id: string): Promise<SessionState | undefined> {
  let statement = findSessionStatements.get(db);
  if (statement === undefined) {
    statement = prepareFindSession(db);
    findSessionStatements.set(db, statement);
  }
  return statement.get({ id });
}

export async function touchSession(db: Database, id: string, now: number): Promise<void> {
  await db.update(sessions).set({ lastUsedAt: now }).where(eq(sessions.id, id));
}

export function listActiveSessions(db: Database, userId: string, now: number) {
  return db
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      lastUsedAt: sessions.lastUsedAt,
      expiresAt: sessions.expiresAt,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .orderBy(sql`${sessions.lastUsedAt} DESC NULLS LAST`, sessions.createdAt)
    .all();
}

/**
 * Ends one of the user's sessions; false when no such active session of theirs exists. The feed row is
 * written only when the session was active, so requests about other people's ids add nothing to it.
 */
export async function revokeSession(
  db: Database,
  userId: string,
  sessionId: string,
  now: number,
): Promise<boolean> {
  const [revoked] = await db.batch([
    db
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id }),
    appendRevocationIfChanged(db, { userId, sessionId }, now),
  ]);
  return revoked.length === 1;
}

/**
 * Moves an active session from token generation `from` to `from + 1`; false when the session has
 * already moved on (the token was replaced: reuse) or has ended. Conditional, so of concurrent
 * refreshes of one token exactly one succeeds. The feed row makes other isolates drop the old facts.
 */
export async function advanceGeneration(
  db: Database,
  session: { userId: string; sessionId: string; from: number },
  now: number,
): Promise<boolean> {
  const [advanced] = await db.batch([
    db
      .update(sessions)
      .set({ generation: session.from + 1 })
      .where(
        and(
          eq(sessions.id, session.sessionId),
          eq(sessions.generation, session.from),
          isNull(sessions.revokedAt),
          gt(sessions.expiresAt, now),
        ),
      )
      .returning({ id: sessions.id }),
    appendRevocationIfChanged(db, { userId: session.userId, sessionId: session.sessionId }, now),
  ]);
  return advanced.length === 1;
}

export async function revokeAllSessions(db: Database, userId: string, now: number): Promise<void> {
  await db.batch([
    db
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt))),
    appendRevocationIfChanged(db, { userId, sessionId: null }, now),
  ]);
}

// ---- revocation feed (docs/session-check.md) ----

/**
 * Appends a feed row when the statement just before it in the same batch changed any row. SQLite's
 * `changes()` counts the rows of the previous statement on this connection, and a batch runs its
 * statements in order in one transaction, so the row and the change commit together or not at all.
 * The feed's one state row serves as the single row to select the values from.
 */
function appendRevocationIfChanged(
  db: Database,
  target: { userId: string; sessionId: string | null },
  now: number,
) {
  return db.insert(sessionRevocations).select(
    db
      .select({
        // NULL into an AUTOINCREMENT key takes the next sequence number.
        seq: sql<number>`NULL`.as('seq'),
        sessionId: sql<string | null>`${target.sessionId}`.as('session_id'),
        userId: sql<string>`${target.userId}`.as('user_id'),
        revokedAt: sql<number>`${now}`.as('revoked_at'),
      })
      .from(revocationFeed)
      .where(and(eq(revocationFeed.id, 1), sql`changes() > 0`)),
  );
}

export interface RevocationRow {
  readonly seq: number;
  /** null: every session of the user. */
  readonly sessionId: string | null;
  readonly userId: string;
}

export interface RevocationPage {
  /** Rows after the asked-for sequence, oldest first, at most `limit`. */
  readonly rows: RevocationRow[];
  /** The highest sequence the clean-up has deleted: rows up to it are gone. */
  readonly trimmedThrough: number;
  /** The newest sequence in the feed when it was read (0 when empty). */
  readonly head: number;
}

function preparePollRevocations(db: Database) {
  // One statement: the feed's state row, joined to the rows after `after` (none: one row of NULLs).
  return db
    .select({
      trimmedThrough: revocationFeed.trimmedThrough,
      head: sql<number>`coalesce((SELECT max(seq) FROM ${sessionRevocations}), 0)`,
      seq: sessionRevocations.seq,
      sessionId: sessionRevocations.sessionId,
      userId: sessionRevocations.userId,
    })
    .from(revocationFeed)
    .leftJoin(sessionRevocations, gt(sessionRevocations.seq, sql.placeholder('after')))
    .where(eq(revocationFeed.id, 1))
    .orderBy(sessionRevocations.seq)
    .limit(sql.placeholder('limit'))
    .prepare();
}

const pollStatements = new WeakMap<Database, ReturnType<typeof preparePollRevocations>>();

/** One page of the feed after `after`, with what tells a reader whether it has lost track. */
export async function pollRevocations(db: Database, after: number, limit: number): Promise<RevocationPage> {
  let statement = pollStatements.get(db);
  if (statement === undefined) {
    statement = preparePollRevocations(db);
    pollStatements.set(db, statement);
  }
  const result = await statement.all({ after, limit });
  const first = result[0];
  if (first === undefined) throw new Error('revocation_feed has no state row: apply the migrations');
  const rows: RevocationRow[] = [];
  for (const row of result) {
    if (row.seq !== null && row.userId !== null) {
      rows.push({ seq: row.seq, sessionId: row.sessionId, userId: row.userId });
    }
  }
  return { rows, trimmedThrough: first.trimmedThrough, head: first.head };
}

/** How many feed rows one clean-up batch deletes at most. */
export const FEED_TRIM_BATCH = 1000;

/**
 * Deletes up to FEED_TRIM_BATCH feed rows older than `before`, recording the highest deleted sequence
 * first so that readers who missed them notice. Returns how many rows were deleted.
 */
export async function trimRevocations(db: Database, before: number): Promise<number> {
  const [, deleted] = await db.batch([
    db.update(revocationFeed).set({
      trimmedThrough: sql`max(${revocationFeed.trimmedThrough}, coalesce((SELECT max(seq) FROM (
        SELECT seq FROM ${sessionRevocations} WHERE revoked_at < ${before} ORDER BY seq LIMIT ${FEED_TRIM_BATCH}
      )), 0))`,
    }),
    db
      .delete(sessionRevocations)
      .where(sql`${sessionRevocations.seq} <= (SELECT trimmed_through FROM ${revocationFeed} WHERE id = 1)`)
      .returning({ seq: sessionRevocations.seq }),
  ]);
  return deleted.length;
}

// ---- failed log-ins ----

/**
 * What a log-in needs to know about a name, in one round trip: its failure count (when throttling)
 * and its user. Either may be missing.
 */
export async function findLoginState(db: Database, canonical: string, throttling: boolean) {
  const user = db.select().from(users).where(eq(users.usernameCanonical, canonical));
  if (!throttling) return { failures: undefined, user: (await user.get()) as User | undefined };
  const [failures, found] = await db.batch([selectLoginFailures(db, canonical), user]);
  return { failures: failures[0], user: found[0] as User | undefined };
}

function selectLoginFailures(db: Database, canonical: string) {
  return db
    .select({ failures: loginFailures.failures, blockedUntil: loginFailures.blockedUntil })
    .from(loginFailures)
    .where(eq(loginFailures.usernameCanonical, canonical));
}

/** The name's failure count and the Unix second until which its password checks are refused. */
export function findLoginFailures(db: Database, canonical: string) {
  return selectLoginFailures(db, canonical).get();
}

/**
 * Counts one more failure atomically (concurrent failures all count) and sets the block that
 * follows it: the schedule of `backoffSeconds` in auth/login-throttle.ts, written in SQL.
 */
export async function recordLoginFailure(
  db: Database,
  canonical: string,
  now: number,
  policy: LoginThrottlePolicy,
): Promise<void> {
  const failures = sql`${loginFailures.failures} + 1`;
  await db
    .insert(loginFailures)
    .values({ usernameCanonical: canonical, failures: 1, lastFailedAt: now, blockedUntil: 0 })
    .onConflictDoUpdate({
      target: loginFailures.usernameCanonical,
      set: {
        failures,
        lastFailedAt: now,
        blockedUntil: sql`CASE
          WHEN ${failures} >= ${policy.hardStopFailures} THEN ${now + policy.hardStopSeconds}
          WHEN ${failures} <= ${policy.freeFailures} THEN 0
          ELSE ${now} + min(${policy.maxBackoffSeconds}, 1 << min(30, ${failures} - ${policy.freeFailures}))
        END`,
      },
    });
}

// ---- clean-up ----

/** How long a name's failure count survives without new failures. */
export const FAILURE_MEMORY_SECONDS = 24 * 3600;

/**
 * How long revocation-feed rows are kept. An isolate that last read the feed before rows it had not
 * seen were trimmed finds `trimmed_through` past its position and empties its cache, so trimming never
 * lets a revoked session pass; a day only means a live isolate almost never has to.
 */
export const FEED_RETENTION_SECONDS = 24 * 3600;
/** Bounds one clean-up run: at most this many trim batches (FEED_TRIM_BATCH rows each). */
const MAX_TRIM_BATCHES = 100;

/** Deletes ended sessions, forgotten failure counts and old feed rows (run by the Cron Trigger). */
export async function deleteStaleRows(db: Database, now: number) {
  let revocations = 0;
  for (let batch = 0; batch < MAX_TRIM_BATCHES; batch++) {
    const deleted = await trimRevocations(db, now - FEED_RETENTION_SECONDS);
    revocations += deleted;
    if (deleted < FEED_TRIM_BATCH) break;
  }
  const [endedSessions, staleFailures] = await db.batch([
    db
      .delete(sessions)
      .where(or(lt(sessions.expiresAt, now + 1), sql`${sessions.revokedAt} IS NOT NULL`))
      .returning({ id: sessions.id }),
    db
      .delete(loginFailures)
      .where(
        and(
          lt(loginFailures.lastFailedAt, now - FAILURE_MEMORY_SECONDS),
          lt(loginFailures.blockedUntil, now),
        ),
      )
      .returning({ name: loginFailures.usernameCanonical }),
  ]);
  return { sessions: endedSessions.length, loginFailures: staleFailures.length, revocations };
}
