// The few statements the routes need. Uniqueness is decided by the unique index, never by a read
// before a write, and multi-statement work goes through db.batch() (D1 has no BEGIN).
import { eq } from 'drizzle-orm';
import type { Database } from './client';
import { type Session, sessions, type User, users } from './schema';

export type NewUser = typeof users.$inferInsert;
export type NewSession = typeof sessions.$inferInsert;

/** Inserts the user unless the canonical name is taken; false means taken (→ 409). */
export async function insertUser(db: Database, user: NewUser): Promise<boolean> {
  const inserted = await db
    .insert(users)
    .values(user)
    .onConflictDoNothing({ target: users.usernameCanonical })
    .returning({ id: users.id });
  return inserted.length === 1;
}

export async function findUserByCanonicalName(db: Database, canonical: string): Promise<User | undefined> {
  return db.select().from(users).where(eq(users.usernameCanonical, canonical)).get();
}

/** Starts a session; when the password hash needs upgrading, both writes land together. */
export async function startSession(db: Database, session: NewSession, upgradedHash?: string): Promise<void> {
  const insert = db.insert(sessions).values(session);
  if (upgradedHash === undefined) {
    await insert;
    return;
  }
  await db.batch([
    insert,
    db.update(users).set({ passwordHash: upgradedHash }).where(eq(users.id, session.userId)),
  ]);
}

export type SessionState = Pick<Session, 'userId' | 'expiresAt' | 'revokedAt' | 'lastUsedAt'>;

/** The one indexed read on the /data path: the session by primary key. */
export async function findSession(db: Database, id: string): Promise<SessionState | undefined> {
  return db
    .select({
      userId: sessions.userId,
      expiresAt: sessions.expiresAt,
      revokedAt: sessions.revokedAt,
      lastUsedAt: sessions.lastUsedAt,
    })
    .from(sessions)
    .where(eq(sessions.id, id))
    .get();
}

export async function touchSession(db: Database, id: string, now: number): Promise<void> {
  await db.update(sessions).set({ lastUsedAt: now }).where(eq(sessions.id, id));
}
