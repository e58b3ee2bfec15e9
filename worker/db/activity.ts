// The activity log's statements (docs/activity.md). Every write is an INSERT … SELECT from the user's
// own row: when the account is gone it inserts nothing rather than break the foreign key, and it has
// no other constraint to break, so a row added to an action's batch never makes that action fail.
import { and, desc, eq, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { ActivityType } from '../activity/event-types';
import type { Database } from './client';
import { activity, users } from './schema';

/** One event as the log keeps it. `device` and `network` are the request's (http/activity-origin.ts). */
export interface ActivityEvent {
  readonly userId: string;
  readonly type: ActivityType;
  /** Unix seconds. */
  readonly at: number;
  /** The session the event started, ended or came from; null where there is none (sign-up, a guess). */
  readonly sessionId?: string | null;
  readonly device: string | null;
  readonly network: string | null;
}

/** Where the request that caused an event came from. */
export type ActivityOrigin = Pick<ActivityEvent, 'device' | 'network'>;

function selectEvent(db: Database, event: ActivityEvent, tally: string | null, onlyIf: SQL | undefined) {
  return db
    .select({
      // NULL into an INTEGER PRIMARY KEY takes the next rowid.
      id: sql<number>`NULL`.as('id'),
      userId: users.id,
      type: sql<string>`${event.type}`.as('type'),
      at: sql<number>`${event.at}`.as('at'),
      sessionId: sql<string | null>`${event.sessionId ?? null}`.as('session_id'),
      device: sql<string | null>`${event.device}`.as('device'),
      network: sql<string | null>`${event.network}`.as('network'),
      count: sql<number>`1`.as('count'),
      tally: sql<string | null>`${tally}`.as('tally'),
    })
    .from(users)
    .where(and(eq(users.id, event.userId), onlyIf));
}

/**
 * The statement that records one event, for the batch of the action it belongs to (db.batch() or
 * db/batch.ts): the row commits with the action or not at all. With `onlyIf`, only when that holds
 * (e.g. `changes() > 0`: the statement before it changed something).
 */
export function activityInsert(db: Database, event: ActivityEvent, onlyIf?: SQL) {
  return db.insert(activity).select(selectEvent(db, event, null, onlyIf));
}

/**
 * Attempts against an account are counted, not recorded one by one: one row per account, type,
 * network, session and window of this many seconds, whose `count` goes up with each attempt. A guesser
 * held by the throttle to one attempt an hour adds at most a row an hour per network; a burst of
 * guesses is one row.
 */
export const COUNT_WINDOW_SECONDS = 3600;

/**
 * The upsert that counts one attempt (sign_in_failed, sign_in_throttled): it creates the window's row
 * at its first attempt, whose time the row keeps (so the listing's order never moves), and adds one
 * to it after that. The unique index on (user_id, tally) decides which; concurrent attempts are
 * serialised by D1 and each adds exactly one.
 */
export function activityCount(
  db: Database,
  event: ActivityEvent & { type: 'sign_in_failed' | 'sign_in_throttled' },
) {
  const window = event.at - (event.at % COUNT_WINDOW_SECONDS);
  const tally = `${event.type}:${window}:${event.network ?? ''}:${event.sessionId ?? ''}`;
  return db
    .insert(activity)
    .select(selectEvent(db, event, tally, undefined))
    .onConflictDoUpdate({
      target: [activity.userId, activity.tally],
      set: { count: sql`${activity.count} + 1` },
    });
}

/** Where a page of GET /activity starts: after this row, in the listing's order. */
export interface ActivityCursor {
  readonly at: number;
  readonly id: number;
}

/** The user's events, newest first (by time, then by insertion), `limit` at most, after `cursor`. */
export function listActivity(
  db: Database,
  userId: string,
  page: { limit: number; after?: ActivityCursor | undefined },
) {
  const { after } = page;
  return db
    .select({
      id: activity.id,
      type: activity.type,
      at: activity.at,
      sessionId: activity.sessionId,
      device: activity.device,
      network: activity.network,
      count: activity.count,
    })
    .from(activity)
    .where(
      and(
        eq(activity.userId, userId),
        after === undefined
          ? undefined
          : or(lt(activity.at, after.at), and(eq(activity.at, after.at), lt(activity.id, after.id))),
      ),
    )
    .orderBy(desc(activity.at), desc(activity.id))
    .limit(page.limit)
    .all();
}

/** Deletes at most `limit` rows older than `before` (the nightly clean-up's retention); RETURNING each. */
export function deleteOldActivity(db: Database, before: number, limit: number) {
  return db
    .delete(activity)
    .where(
      inArray(
        activity.id,
        db.select({ id: activity.id }).from(activity).where(lt(activity.at, before)).limit(limit),
      ),
    )
    .returning({ id: activity.id });
}
