// The statements the routes need. Uniqueness is decided by the unique index, never by a read before
// a write, and multi-statement work goes through db.batch() (D1 has no BEGIN).
import { and, eq, gt, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { AttemptSource } from '../auth/login-throttle';
import { batch, type Statement } from './batch';
import type { Database } from './client';
import {
  commonPasswords,
  loginFailures,
  loginSourceFailures,
  type Session,
  sessions,
  type User,
  users,
} from './schema';
import {
  type Attempt,
  type AttemptLimits,
  type Reservation,
  releaseAttemptStatements,
  reserveAttemptStatements,
} from './throttle';

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

/** A users row as D1 returns it (column names) to the schema's shape. */
function userFromRow(row: Record<string, unknown>): User {
  return {
    id: row.id as string,
    username: row.username as string,
    usernameCanonical: row.username_canonical as string,
    passwordHash: row.password_hash as string,
    createdAt: row.created_at as number,
  };
}

/**
 * What a log-in needs before it checks a password, in one round trip: the named user (may be missing),
 * and, when throttling, the attempt counted for its source (or the refusal).
 */
export async function beginLogin(
  db: Database,
  canonical: string,
  throttle: { source: AttemptSource; now: number; limits: AttemptLimits } | null,
): Promise<{ user: User | undefined; reservation: Reservation | null }> {
  const user = db.select().from(users).where(eq(users.usernameCanonical, canonical));
  if (throttle === null) return { user: await user.get(), reservation: null };
  const { statements, read } = reserveAttemptStatements(
    canonical,
    throttle.source,
    throttle.now,
    throttle.limits,
  );
  const [found, ...results] = await batch(db, [user, ...statements]);
  const row = found?.[0];
  return { user: row === undefined ? undefined : userFromRow(row), reservation: read(results) };
}

/** Whether any of the forms of a password (auth/password-policy.ts) is on the common-password list. */
export async function isCommonPassword(db: Database, candidates: readonly string[]): Promise<boolean> {
  if (candidates.length === 0) return false;
  const row = await db
    .select({ password: commonPasswords.password })
    .from(commonPasswords)
    .where(inArray(commonPasswords.password, [...candidates]))
    .get();
  return row !== undefined;
}

// ---- sessions ----

/**
 * Starts a session after a successful log-in, only if the user still exists with the password hash
 * that was verified: a password changed or an account deleted while the password was being checked
 * inserts nothing, and the answer is false (→ 401, never a foreign-key error). In the same batch, and
 * only when the session was inserted: the upgraded hash when the parameters changed, and the attempt
 * given back to the throttle.
 */
export async function startSession(
  db: Database,
  session: Required<Pick<NewSession, 'id' | 'userId' | 'createdAt' | 'expiresAt' | 'userAgent'>>,
  verifiedHash: string,
  also: { upgradedHash?: string | undefined; attempt?: Attempt | undefined } = {},
): Promise<boolean> {
  const insert = db
    .insert(sessions)
    .select(
      db
        .select({
          id: sql<string>`${session.id}`.as('id'),
          userId: users.id,
          createdAt: sql<number>`${session.createdAt}`.as('created_at'),
          expiresAt: sql<number>`${session.expiresAt}`.as('expires_at'),
          revokedAt: sql<null>`NULL`.as('revoked_at'),
          lastUsedAt: sql<null>`NULL`.as('last_used_at'),
          userAgent: sql<string | null>`${session.userAgent}`.as('user_agent'),
        })
        .from(users)
        .where(and(eq(users.id, session.userId), eq(users.passwordHash, verifiedHash))),
    )
    .returning({ id: sessions.id });
  const started = sql`EXISTS (SELECT 1 FROM sessions WHERE id = ${session.id})`;
  const rest: Statement[] = [];
  if (also.upgradedHash !== undefined) {
    rest.push(
      db
        .update(users)
        .set({ passwordHash: also.upgradedHash })
        .where(and(eq(users.id, session.userId), eq(users.passwordHash, verifiedHash), started)),
    );
  }
  if (also.attempt !== undefined) rest.push(...releaseAttemptStatements(also.attempt, started));
  const [inserted] = await batch(db, [insert, ...rest]);
  return inserted?.length === 1;
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

// ---- clean-up ----

/** How long a name's failure count survives without new failures. */
export const FAILURE_MEMORY_SECONDS = 24 * 3600;

/** Deletes ended sessions and forgotten failure counts (run by the Cron Trigger). */
export async function deleteStaleRows(db: Database, now: number) {
  const forgotten = now - FAILURE_MEMORY_SECONDS;
  const [endedSessions, staleFailures, staleSourceFailures] = await db.batch([
    db
      .delete(sessions)
      .where(or(lt(sessions.expiresAt, now + 1), sql`${sessions.revokedAt} IS NOT NULL`))
      .returning({ id: sessions.id }),
    db
      .delete(loginFailures)
      .where(and(lt(loginFailures.lastFailedAt, forgotten), lt(loginFailures.blockedUntil, now)))
      .returning({ name: loginFailures.usernameCanonical }),
    db
      .delete(loginSourceFailures)
      .where(and(lt(loginSourceFailures.lastFailedAt, forgotten), lt(loginSourceFailures.blockedUntil, now)))
      .returning({ name: loginSourceFailures.usernameCanonical }),
  ]);
  return {
    sessions: endedSessions.length,
    loginFailures: staleFailures.length + staleSourceFailures.length,
  };
}
