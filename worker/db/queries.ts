// The statements the routes need. Uniqueness is decided by the unique index, never by a read before
// a write, and multi-statement work goes through db.batch() (D1 has no BEGIN).
import { and, desc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { ActivityType } from '../activity/event-types';
import type { AttemptSource } from '../auth/login-throttle';
import { type ActivityOrigin, activityInsert, deleteOldActivity } from './activity';
import { batch, type Statement } from './batch';
import type { Database } from './client';
import { type PasskeyUse, passkeySignInStatements, passkeyStillAsVerified } from './passkeys';
import {
  commonPasswords,
  loginFailures,
  loginSourceFailures,
  revocationFeed,
  type Session,
  sessionRevocations,
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

/**
 * Inserts the user unless the canonical name is taken; false means taken (→ 409). The sign-up's
 * activity row is in the same batch, and (its user being new) written only when the user was.
 */
export async function insertUser(db: Database, user: NewUser, origin: ActivityOrigin): Promise<boolean> {
  const [inserted] = await db.batch([
    db
      .insert(users)
      .values(user)
      .onConflictDoNothing({ target: users.usernameCanonical })
      .returning({ id: users.id }),
    activityInsert(db, { userId: user.id, type: 'sign_up', at: user.createdAt, ...origin }),
  ]);
  return inserted.length === 1;
}

export function findUserById(db: Database, id: string): Promise<User | undefined> {
  return db.select().from(users).where(eq(users.id, id)).get();
}

/**
 * New hash, every session of the user ended (the caller's too, so a stolen copy of its token dies
 * with the old password) with their feed row, the caller's fresh session, and the activity row (which
 * names the fresh session, the one the caller goes on with): one batch.
 */
export async function changePassword(
  db: Database,
  userId: string,
  passwordHash: string,
  newSession: NewSession & { id: string },
  now: number,
  origin: ActivityOrigin,
) {
  await db.batch([
    db.update(users).set({ passwordHash }).where(eq(users.id, userId)),
    db
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt))),
    appendRevocationIfChanged(db, { userId, sessionId: null }, now),
    db.insert(sessions).values(newSession),
    activityInsert(db, { userId, type: 'password_changed', at: now, sessionId: newSession.id, ...origin }),
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
): Promise<{ user: User | undefined; reservation: Reservation | null; feedHead: number }> {
  const user = db.select().from(users).where(eq(users.usernameCanonical, canonical));
  // Where the revocation feed stands as the log-in begins: a log-out everywhere after it must stop
  // the session this log-in would start (startSession).
  const head = sql`SELECT coalesce(max(seq), 0) AS head FROM ${sessionRevocations}`;
  const reserve =
    throttle === null
      ? null
      : reserveAttemptStatements(canonical, throttle.source, throttle.now, throttle.limits);
  const [found, heads, ...results] = await batch(db, [user, head, ...(reserve?.statements ?? [])]);
  const row = found?.[0];
  return {
    user: row === undefined ? undefined : userFromRow(row),
    reservation: reserve === null ? null : reserve.read(results),
    feedHead: Number(heads?.[0]?.head ?? 0),
  };
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
 * What a sign-in proved, which must still hold when its session is inserted: the password hash that
 * was verified (with the upgraded hash when the parameters changed), or the passkey use.
 */
export type SignInProof =
  | { readonly passwordHash: string; readonly upgradedHash?: string | undefined }
  | { readonly passkey: PasskeyUse };

/**
 * Starts a session after a successful sign-in, only if what it proved still holds: a password changed,
 * a passkey deleted or an account deleted while it was being checked inserts nothing, and the answer
 * is false (→ 401, never a foreign-key error). In the same batch, and only when the session was
 * inserted: the upgraded hash or the passkey's new counter, the attempt given back to the throttle, and
 * the activity row (`activity`: sign_in, passkey_sign_in).
 */
export async function startSession(
  db: Database,
  session: Required<Pick<NewSession, 'id' | 'userId' | 'createdAt' | 'expiresAt' | 'userAgent'>>,
  proof: SignInProof,
  also: {
    attempt?: Attempt | undefined;
    feedHead?: number;
    activity?: ActivityOrigin & { type: ActivityType };
  } = {},
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
          generation: sql<number>`0`.as('generation'),
        })
        .from(users)
        .where(
          and(
            eq(users.id, session.userId),
            'passkey' in proof
              ? passkeyStillAsVerified(proof.passkey)
              : eq(users.passwordHash, proof.passwordHash),
            // Nor after a log-out everywhere since the log-in began (its row in the revocation feed).
            also.feedHead === undefined
              ? undefined
              : sql`NOT EXISTS (SELECT 1 FROM ${sessionRevocations} WHERE ${sessionRevocations.userId} = ${session.userId}
                  AND ${sessionRevocations.sessionId} IS NULL AND ${sessionRevocations.seq} > ${also.feedHead})`,
          ),
        ),
    )
    .returning({ id: sessions.id });
  const started = sql`EXISTS (SELECT 1 FROM sessions WHERE id = ${session.id})`;
  const rest: Statement[] = [];
  if ('passkey' in proof) rest.push(...passkeySignInStatements(db, proof.passkey, started));
  else if (proof.upgradedHash !== undefined) {
    rest.push(
      db
        .update(users)
        .set({ passwordHash: proof.upgradedHash })
        .where(and(eq(users.id, session.userId), eq(users.passwordHash, proof.passwordHash), started)),
    );
  }
  if (also.attempt !== undefined) rest.push(...releaseAttemptStatements(also.attempt, started));
  if (also.activity !== undefined) {
    const event = { ...also.activity, userId: session.userId, at: session.createdAt, sessionId: session.id };
    rest.push(activityInsert(db, event, started));
  }
  // Past the cap, the oldest active sessions end, and other isolates hear of it through the feed.
  rest.push(endSessionsPastCap(db, session.userId, session.createdAt));
  // One feed row per session the cap ended, never a user-wide one: that would stop concurrent log-ins.
  rest.push(sql`INSERT INTO ${sessionRevocations} (session_id, user_id, revoked_at)
    SELECT id, user_id, revoked_at FROM ${sessions}
    WHERE user_id = ${session.userId} AND revoked_at = ${session.createdAt} AND changes() > 0`);
  const [inserted] = await batch(db, [insert, ...rest]);
  return inserted?.length === 1;
}

/** Active sessions one account may have; a log-in past it ends the oldest (docs/security.md). */
export const MAX_SESSIONS_PER_ACCOUNT = 50;

function endSessionsPastCap(db: Database, userId: string, now: number) {
  const active = and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now));
  return db
    .update(sessions)
    .set({ revokedAt: now })
    .where(
      inArray(
        sessions.id,
        db
          .select({ id: sessions.id })
          .from(sessions)
          .where(active)
          // Newest first by sign-in time, then by insertion (rowid) within one second.
          .orderBy(desc(sessions.createdAt), sql`rowid DESC`)
          // SQLite takes OFFSET only after a LIMIT, and drizzle leaves out a negative (unbounded) one.
          .limit(1_000_000)
          .offset(MAX_SESSIONS_PER_ACCOUNT),
      ),
    );
}

export type SessionState = Pick<
  Session,
  'userId' | 'createdAt' | 'expiresAt' | 'revokedAt' | 'lastUsedAt' | 'generation'
>;

function prepareFindSession(db: Database) {
  return db
    .select({
      userId: sessions.userId,
      createdAt: sessions.createdAt,
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

/** Where a page of GET /sessions starts: after this session, in the listing's order. */
export interface SessionCursor {
  readonly createdAt: number;
  readonly id: string;
}

/**
 * The user's active sessions, newest sign-in first (a stable order, so pages neither skip nor repeat
 * a session), `limit` at most, after `cursor` when given.
 */
export function listActiveSessions(
  db: Database,
  userId: string,
  now: number,
  page: { limit: number; after?: SessionCursor | undefined },
) {
  const { after } = page;
  return db
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      lastUsedAt: sessions.lastUsedAt,
      expiresAt: sessions.expiresAt,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, now),
        after === undefined
          ? undefined
          : or(
              lt(sessions.createdAt, after.createdAt),
              and(eq(sessions.createdAt, after.createdAt), lt(sessions.id, after.id)),
            ),
      ),
    )
    .orderBy(desc(sessions.createdAt), desc(sessions.id))
    .limit(page.limit)
    .all();
}

/**
 * Ends one of the user's sessions; false when no such active session of theirs exists. The feed row and
 * the activity row (`activity`: why it ended, from where) are written only when the session was active,
 * so requests about other people's ids add nothing to either.
 */
export async function revokeSession(
  db: Database,
  userId: string,
  sessionId: string,
  now: number,
  activity: ActivityOrigin & { type: 'logout' | 'session_ended' | 'refresh_reuse' },
): Promise<boolean> {
  const [revoked] = await db.batch([
    db
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id }),
    appendRevocationIfChanged(db, { userId, sessionId }, now),
    activityInsert(db, { ...activity, userId, at: now, sessionId }, FEED_ROW_APPENDED),
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

/** Log out everywhere; the activity row names the session that asked. */
export async function revokeAllSessions(
  db: Database,
  userId: string,
  now: number,
  activity: ActivityOrigin & { sessionId: string },
): Promise<void> {
  await db.batch([
    db
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt))),
    appendRevocationIfChanged(db, { userId, sessionId: null }, now),
    activityInsert(db, { ...activity, userId, type: 'logout_everywhere', at: now }, FEED_ROW_APPENDED),
  ]);
}

// ---- revocation feed (docs/session-check.md) ----

/**
 * For the statement right after appendRevocationIfChanged in a batch: the feed row was appended, so the
 * change before it ended something (`changes()` is now the feed insert's own count).
 */
const FEED_ROW_APPENDED = sql`changes() > 0`;

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
const FEED_TRIM_BATCH = 1000;

/**
 * Deletes up to FEED_TRIM_BATCH feed rows older than `before`, recording the highest deleted sequence
 * first so that readers who missed them notice. Returns how many rows were deleted.
 */
async function trimRevocations(db: Database, before: number): Promise<number> {
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

// ---- clean-up ----

/** How long a name's failure count survives without new failures. */
const FAILURE_MEMORY_SECONDS = 24 * 3600;

/**
 * How long revocation-feed rows are kept. An isolate that last read the feed before rows it had not
 * seen were trimmed finds `trimmed_through` past its position and empties its cache, so trimming never
 * lets a revoked session pass; a day only means a live isolate almost never has to.
 */
const FEED_RETENTION_SECONDS = 24 * 3600;
/** Bounds one clean-up run: at most this many trim batches (FEED_TRIM_BATCH rows each). */
const MAX_TRIM_BATCHES = 100;
/** Rows of each table one clean-up batch deletes at most, and how many batches one run makes. */
export const CLEANUP_BATCH = 1000;
const MAX_CLEANUP_BATCHES = 100;

/**
 * Deletes ended sessions, forgotten failure counts, old feed rows and, when `activityBefore` is given,
 * activity older than it (run by the Cron Trigger: worker/cleanup.ts).
 */
export async function deleteStaleRows(db: Database, now: number, activityBefore?: number) {
  let revocations = 0;
  for (let round = 0; round < MAX_TRIM_BATCHES; round++) {
    const deleted = await trimRevocations(db, now - FEED_RETENTION_SECONDS);
    revocations += deleted;
    if (deleted < FEED_TRIM_BATCH) break;
  }
  const forgotten = now - FAILURE_MEMORY_SECONDS;
  const ended = or(lt(sessions.expiresAt, now + 1), sql`${sessions.revokedAt} IS NOT NULL`);
  const staleFailure = and(lt(loginFailures.lastFailedAt, forgotten), lt(loginFailures.blockedUntil, now));
  const staleSourceFailure = and(
    lt(loginSourceFailures.lastFailedAt, forgotten),
    lt(loginSourceFailures.blockedUntil, now),
  );
  const deleted = { sessions: 0, loginFailures: 0, activity: 0 };
  // In bounded batches, each a short transaction, so a large backlog never holds D1 for long.
  for (let round = 0; round < MAX_CLEANUP_BATCHES; round++) {
    const [endedSessions, staleFailures, staleSourceFailures, oldActivity = []] = await db.batch([
      db
        .delete(sessions)
        .where(
          inArray(
            sessions.id,
            db.select({ id: sessions.id }).from(sessions).where(ended).limit(CLEANUP_BATCH),
          ),
        )
        .returning({ id: sessions.id }),
      db
        .delete(loginFailures)
        .where(
          inArray(
            loginFailures.usernameCanonical,
            db
              .select({ name: loginFailures.usernameCanonical })
              .from(loginFailures)
              .where(staleFailure)
              .limit(CLEANUP_BATCH),
          ),
        )
        .returning({ name: loginFailures.usernameCanonical }),
      db
        .delete(loginSourceFailures)
        .where(
          sql`rowid IN (SELECT rowid FROM ${loginSourceFailures} WHERE ${staleSourceFailure} LIMIT ${CLEANUP_BATCH})`,
        )
        .returning({ name: loginSourceFailures.usernameCanonical }),
      ...(activityBefore === undefined ? [] : [deleteOldActivity(db, activityBefore, CLEANUP_BATCH)]),
    ]);
    deleted.sessions += endedSessions.length;
    deleted.loginFailures += staleFailures.length + staleSourceFailures.length;
    deleted.activity += oldActivity.length;
    const most = Math.max(
      endedSessions.length,
      staleFailures.length,
      staleSourceFailures.length,
      oldActivity.length,
    );
    if (most < CLEANUP_BATCH) break;
  }
  return { ...deleted, revocations };
}
