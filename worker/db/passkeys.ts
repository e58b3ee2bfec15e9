// The passkey statements (docs/passkeys.md). Challenges are taken by a conditional DELETE whose
// RETURNING row decides, so of two requests with one challenge exactly one gets it; limits and
// uniqueness are decided by conditional inserts and the unique index, never by a read before a write.
//
// The changes a person would want to see in a record of their account each have one function here,
// each one batch: passkeyAddedStatements, removePasskey, passkeySignInStatements (in the sign-in's
// session batch, queries.ts startSession) and recordCounterRegression.
import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import { randomId } from '../auth/random-id';
import { type ActivityOrigin, activityInsert } from './activity';
import { batch, type Statement } from './batch';
import type { Database } from './client';
import {
  type Passkey,
  passkeyChallenges,
  passkeys,
  passkeyUserHandles,
  sessionRevocations,
  users,
} from './schema';

/** Passkeys one account may have; a registration past it is refused (docs/passkeys.md). */
export const MAX_PASSKEYS_PER_ACCOUNT = 20;

/** How long a challenge can be answered: the time a person has for the browser's prompt. */
export const CHALLENGE_LIFETIME_SECONDS = 5 * 60;

export type ChallengePurpose = 'register' | 'sign-in';

// ---- challenges ----

/**
 * Stores a challenge for CHALLENGE_LIFETIME_SECONDS. One for registration is stored only while its
 * account exists (false otherwise: deleted meanwhile), so it never fails on the foreign key.
 */
export async function storeChallenge(
  db: Database,
  challenge: { challenge: string; purpose: ChallengePurpose; userId?: string; usernameCanonical?: string },
  now: number,
): Promise<boolean> {
  const expiresAt = now + CHALLENGE_LIFETIME_SECONDS;
  if (challenge.userId === undefined) {
    await db.insert(passkeyChallenges).values({
      challenge: challenge.challenge,
      purpose: challenge.purpose,
      usernameCanonical: challenge.usernameCanonical ?? null,
      expiresAt,
    });
    return true;
  }
  const inserted = await db
    .insert(passkeyChallenges)
    .select(
      db
        .select({
          challenge: sql<string>`${challenge.challenge}`.as('challenge'),
          purpose: sql<ChallengePurpose>`${challenge.purpose}`.as('purpose'),
          userId: users.id,
          usernameCanonical: sql<null>`NULL`.as('username_canonical'),
          expiresAt: sql<number>`${expiresAt}`.as('expires_at'),
        })
        .from(users)
        .where(eq(users.id, challenge.userId)),
    )
    .returning({ challenge: passkeyChallenges.challenge });
  return inserted.length === 1;
}

/**
 * Takes the challenge if it is unexpired, for `purpose` and (for registration) of `userId`: a
 * conditional DELETE, so it is gone whatever the verification then says, and two requests racing
 * with it cannot both have it. Its RETURNING row (none: refused) names the account a sign-in
 * challenge was asked for, if any.
 */
function takeChallengeStatement(
  db: Database,
  challenge: string,
  purpose: ChallengePurpose,
  now: number,
  userId?: string,
) {
  return db
    .delete(passkeyChallenges)
    .where(
      and(
        eq(passkeyChallenges.challenge, challenge),
        eq(passkeyChallenges.purpose, purpose),
        sql`${passkeyChallenges.expiresAt} > ${now}`,
        userId === undefined ? undefined : eq(passkeyChallenges.userId, userId),
      ),
    )
    .returning({ usernameCanonical: passkeyChallenges.usernameCanonical });
}

/** A registration challenge of `userId`, taken; false when it was not there to take. */
export async function takeRegistrationChallenge(
  db: Database,
  challenge: string,
  userId: string,
  now: number,
): Promise<boolean> {
  const taken = await takeChallengeStatement(db, challenge, 'register', now, userId);
  return taken.length === 1;
}

/** Deletes expired challenges, at most `limit` (run by the Cron Trigger); how many went. */
export async function deleteExpiredChallenges(db: Database, now: number, limit = 1000): Promise<number> {
  const deleted = await db
    .delete(passkeyChallenges)
    .where(
      sql`${passkeyChallenges.challenge} IN (SELECT challenge FROM ${passkeyChallenges}
        WHERE ${passkeyChallenges.expiresAt} <= ${now} LIMIT ${limit})`,
    )
    .returning({ challenge: passkeyChallenges.challenge });
  return deleted.length;
}

// ---- user handles ----

/**
 * The account's WebAuthn user handle (base64url), made on first use: random, not the account id. The
 * insert does nothing when one exists, so concurrent registrations agree on the first.
 */
export async function userHandleOf(db: Database, userId: string): Promise<string | undefined> {
  const [, rows] = await batch(db, [
    sql`INSERT INTO ${passkeyUserHandles} (user_id, handle)
      SELECT id, ${randomId(32)} FROM ${users} WHERE id = ${userId}
      ON CONFLICT DO NOTHING`,
    db
      .select({ handle: passkeyUserHandles.handle })
      .from(passkeyUserHandles)
      .where(eq(passkeyUserHandles.userId, userId)),
  ]);
  const handle = rows?.[0]?.handle;
  // None: the account was deleted meanwhile.
  return typeof handle === 'string' ? handle : undefined;
}

// ---- the account's passkeys ----

export function listPasskeys(db: Database, userId: string) {
  return db
    .select({
      id: passkeys.id,
      name: passkeys.name,
      createdAt: passkeys.createdAt,
      lastUsedAt: passkeys.lastUsedAt,
      credentialId: passkeys.credentialId,
      transports: passkeys.transports,
    })
    .from(passkeys)
    .where(eq(passkeys.userId, userId))
    .orderBy(asc(passkeys.createdAt), asc(passkeys.id))
    .all();
}

export type NewPasskey = Omit<Passkey, 'lastUsedAt' | 'counterRegressedAt'>;

export type AddPasskeyResult = 'added' | 'no-account' | 'limit' | 'exists';

/**
 * The passkey-added change: inserted only while the account exists and has fewer than
 * MAX_PASSKEYS_PER_ACCOUNT, and unless its credential is registered already (any account): all in
 * the insert's own conditions, then one read that says which held.
 */
function passkeyAddedStatements(
  db: Database,
  passkey: NewPasskey,
  origin: PasskeyActivityOrigin,
): Statement[] {
  const insert = sql`
    INSERT INTO ${passkeys} (id, user_id, credential_id, public_key, counter, transports, backup_eligible,
      backed_up, name, created_at, last_used_at, counter_regressed_at)
    SELECT ${passkey.id}, ${users.id}, ${passkey.credentialId}, ${passkey.publicKey}, ${passkey.counter},
      ${passkey.transports}, ${passkey.backupEligible ? 1 : 0}, ${passkey.backedUp ? 1 : 0}, ${passkey.name},
      ${passkey.createdAt}, NULL, NULL
    FROM ${users}
    WHERE ${users.id} = ${passkey.userId}
      AND (SELECT count(*) FROM ${passkeys} WHERE user_id = ${passkey.userId}) < ${MAX_PASSKEYS_PER_ACCOUNT}
    ON CONFLICT (credential_id) DO NOTHING
    RETURNING id`;
  // Recorded only when the insert above added the passkey (docs/activity.md).
  const recorded = activityInsert(
    db,
    { ...origin, type: 'passkey_added', userId: passkey.userId, at: passkey.createdAt },
    sql`changes() > 0`,
  );
  const state = sql`SELECT
    EXISTS (SELECT 1 FROM ${users} WHERE id = ${passkey.userId}) AS account,
    EXISTS (SELECT 1 FROM ${passkeys} WHERE credential_id = ${passkey.credentialId}
      AND id <> ${passkey.id}) AS registered`;
  return [insert, recorded, state];
}

/** Where the request that added or removed a passkey came from, and its session. */
export type PasskeyActivityOrigin = ActivityOrigin & { readonly sessionId: string };

export async function addPasskey(
  db: Database,
  passkey: NewPasskey,
  origin: PasskeyActivityOrigin,
): Promise<AddPasskeyResult> {
  const [inserted, , state] = await batch(db, passkeyAddedStatements(db, passkey, origin));
  if (inserted?.length === 1) return 'added';
  const row = state?.[0];
  if (!row?.account) return 'no-account';
  return row.registered ? 'exists' : 'limit';
}

/** Renames one of the user's passkeys; false when they have no passkey with that id. */
export async function renamePasskey(db: Database, userId: string, id: string, name: string) {
  const renamed = await db
    .update(passkeys)
    .set({ name })
    .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
    .returning({
      id: passkeys.id,
      name: passkeys.name,
      createdAt: passkeys.createdAt,
      lastUsedAt: passkeys.lastUsedAt,
    });
  return renamed[0];
}

/** The passkey-removed change; false when the user has no passkey with that id. The password stays. */
export async function removePasskey(
  db: Database,
  userId: string,
  id: string,
  origin: PasskeyActivityOrigin & { readonly at: number },
): Promise<boolean> {
  const [deleted] = await batch(db, [
    db
      .delete(passkeys)
      .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
      .returning({ id: passkeys.id }),
    activityInsert(db, { ...origin, type: 'passkey_removed', userId }, sql`changes() > 0`),
  ]);
  return deleted?.length === 1;
}

// ---- signing in ----

/** The passkey an assertion names, with what the sign-in needs of its account. */
export interface PasskeyOwner {
  readonly passkey: Pick<Passkey, 'id' | 'userId' | 'credentialId' | 'publicKey' | 'counter' | 'transports'>;
  readonly user: { readonly id: string; readonly username: string; readonly usernameCanonical: string };
  /** The account's user handle (base64url). */
  readonly handle: string | null;
}

/**
 * What a passkey sign-in needs before it checks a signature, in one round trip: the challenge taken
 * (or not), the passkey of the credential id with its account (may be missing), and where the
 * revocation feed stands (as for a password log-in: a log-out everywhere after it stops the session).
 */
export async function beginPasskeySignIn(
  db: Database,
  challenge: string,
  credentialId: string,
  now: number,
): Promise<{
  challenge: { usernameCanonical: string | null } | null;
  owner: PasskeyOwner | null;
  feedHead: number;
}> {
  const [taken, found, heads] = await batch(db, [
    takeChallengeStatement(db, challenge, 'sign-in', now),
    sql`SELECT p.id, p.user_id, p.credential_id, p.public_key, p.counter, p.transports,
        u.username, u.username_canonical, h.handle
      FROM ${passkeys} p JOIN ${users} u ON u.id = p.user_id
      LEFT JOIN ${passkeyUserHandles} h ON h.user_id = p.user_id
      WHERE p.credential_id = ${credentialId}`,
    sql`SELECT coalesce(max(seq), 0) AS head FROM ${sessionRevocations}`,
  ]);
  const takenRow = taken?.[0];
  const row = found?.[0];
  return {
    challenge:
      takenRow === undefined
        ? null
        : { usernameCanonical: (takenRow.username_canonical as string | null) ?? null },
    owner:
      row === undefined
        ? null
        : {
            passkey: {
              id: row.id as string,
              userId: row.user_id as string,
              credentialId: row.credential_id as string,
              publicKey: row.public_key as string,
              counter: row.counter as number,
              transports: row.transports as string,
            },
            user: {
              id: row.user_id as string,
              username: row.username as string,
              usernameCanonical: row.username_canonical as string,
            },
            handle: (row.handle as string | null) ?? null,
          },
    feedHead: Number(heads?.[0]?.head ?? 0),
  };
}

/** A verified assertion: the counter it was checked against, and the one it reported. */
export interface PasskeyUse {
  readonly id: string;
  readonly userId: string;
  readonly counter: number;
  readonly newCounter: number;
  readonly usedAt: number;
}

/**
 * For the session insert: the passkey still exists, for this account, with the counter the assertion
 * was checked against. A passkey deleted meanwhile, or a concurrent sign-in that moved the counter
 * first, starts no session.
 */
export function passkeyStillAsVerified(use: PasskeyUse): SQL {
  return sql`EXISTS (SELECT 1 FROM ${passkeys} WHERE ${passkeys.id} = ${use.id}
    AND ${passkeys.userId} = ${use.userId} AND ${passkeys.counter} = ${use.counter})`;
}

/** The passkey-sign-in change, in the session's batch: only when the session was inserted (`started`). */
export function passkeySignInStatements(db: Database, use: PasskeyUse, started: SQL): Statement[] {
  return [
    db
      .update(passkeys)
      .set({ counter: use.newCounter, lastUsedAt: use.usedAt })
      .where(and(eq(passkeys.id, use.id), eq(passkeys.counter, use.counter), started)),
  ];
}

/** The counter-regression record: the sign-in was refused; the passkey keeps working for its owner. */
export async function recordCounterRegression(db: Database, passkeyId: string, now: number): Promise<void> {
  await batch(db, [db.update(passkeys).set({ counterRegressedAt: now }).where(eq(passkeys.id, passkeyId))]);
}
