// The statements the routes need. Uniqueness is decided by the unique index, never by a read before
// a write, and multi-statement work goes through db.batch() (D1 has no BEGIN).
import { and, eq, gt, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { LoginThrottlePolicy } from '../auth/login-throttle';
import type { Database } from './client';
import { commonPasswords, loginFailures, type Session, sessions, type User, users } from './schema';

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

/** New hash, and every session but the caller's ended, together. */
export async function changePassword(
  db: Database,
  userId: string,
  passwordHash: string,
  keepSessionId: string,
  now: number,
) {
  await db.batch([
    db.update(users).set({ passwordHash }).where(eq(users.id, userId)),
    db
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId), isNull(sessions.revokedAt))),
  ]);
}

/** The user and all their sessions go together; the name becomes free at once. */
export async function deleteAccount(db: Database, userId: string): Promise<void> {
  await db.batch([
    db.delete(sessions).where(eq(sessions.userId, userId)),
    db.delete(users).where(eq(users.id, userId)),
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

export type SessionState = Pick<Session, 'userId' | 'expiresAt' | 'revokedAt' | 'lastUsedAt'>;

function prepareFindSession(db: Database) {
  return db
    .select({
      userId: sessions.userId,
      expiresAt: sessions.expiresAt,
      revokedAt: sessions.revokedAt,
      lastUsedAt: sessions.lastUsedAt,
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

/** Ends one of the user's sessions; false when no such active session of theirs exists. */
export async function revokeSession(
  db: Database,
  userId: string,
  sessionId: string,
  now: number,
): Promise<boolean> {
  const revoked = await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return revoked.length === 1;
}

export async function revokeAllSessions(db: Database, userId: string, now: number): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
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

/** Deletes ended sessions and forgotten failure counts (run by the Cron Trigger). */
export async function deleteStaleRows(db: Database, now: number) {
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
  return { sessions: endedSessions.length, loginFailures: staleFailures.length };
}
