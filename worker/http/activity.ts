// The activity log as the routes use it (docs/activity.md): where a request came from, as a row keeps
// it, and recording after the answer for the events that have no batch of their own.
import type { Context } from 'hono';
import { type ActivityOrigin, activityCount } from '../db/activity';
import { batch, type Statement } from '../db/batch';
import type { Database } from '../db/client';
import { errorFields, log } from '../log';
import { clientCoarseNetwork } from './client-network';
import type { AppEnv } from './context';
import { describeUserAgent } from './device-name';

/** What describeUserAgent says when it can tell nothing: stored as null instead. */
const UNKNOWN_DEVICE = describeUserAgent(null);
/** A description is a few words; an unknown client's first product token could be long. */
const MAX_DEVICE_LENGTH = 64;

/**
 * The request's device, described as the Devices page describes a session's user agent (one function
 * for both, worker/http/device-name.ts; never the user agent itself), and its coarse network (an IPv4 /24 or
 * an IPv6 /48, never the address).
 */
export function activityOrigin(c: Context): ActivityOrigin {
  const userAgent = c.req.header('User-Agent')?.slice(0, 256);
  const device = userAgent === undefined ? UNKNOWN_DEVICE : describeUserAgent(userAgent);
  return {
    device: device === UNKNOWN_DEVICE ? null : device.slice(0, MAX_DEVICE_LENGTH),
    network: clientCoarseNetwork(c),
  };
}

/**
 * Runs the statement after the response, through waitUntil: for events whose action writes nothing
 * (a wrong password, a refusal by the throttle). It can never change the answer; if it fails, the log
 * says so (never the statement's message, which carries its parameters) and the row is lost.
 */
function recordAfterResponse(c: Context<AppEnv>, db: Database, statement: Statement): void {
  // Started on a later turn, once the answer is on its way: never part of its time.
  const work = new Promise((resolve) => setTimeout(resolve, 0))
    .then(() => batch(db, [statement]))
    .then(
      () => undefined,
      (error: unknown) =>
        log('error', 'activity_not_recorded', { request_id: c.get('requestId'), ...errorFields(error) }),
    );
  c.executionCtx.waitUntil(work);
}

/**
 * Counts one failed or refused password check against the account (db/activity.ts), after the
 * response: the check wrote nothing of its own to batch the row with.
 */
export function countAttemptAfterResponse(
  c: Context<AppEnv>,
  db: Database,
  attempt: { userId: string; type: 'sign_in_failed' | 'sign_in_throttled'; at: number; sessionId?: string },
): void {
  recordAfterResponse(c, db, activityCount(db, { ...attempt, ...activityOrigin(c) }));
}
