// The end of every sign-in, by password (POST /login) or by passkey (POST /passkeys/login): the session
// starts, and the answer is the same token response (docs/contract.md §2 for the bare token).
import type { Context } from 'hono';
import type { ActivityType } from '../activity/event-types';
import { randomId } from '../auth/random-id';
import type { Database } from '../db/client';
import { type SignInProof, startSession } from '../db/queries';
import type { Attempt } from '../db/throttle';
import { activityOrigin } from './activity';
import type { AppEnv } from './context';
import { type ProblemType, problem } from './problem';
import { tokenResponse } from './token-response';

export interface SignIn {
  readonly user: { readonly id: string; readonly username: string };
  readonly proof: SignInProof;
  /** The activity row the session's start records (docs/activity.md). */
  readonly activity: Extract<ActivityType, 'sign_in' | 'passkey_sign_in'>;
  /** The throttle's attempt, given back once the session has started. */
  readonly attempt?: Attempt | undefined;
  /** Where the revocation feed stood as the sign-in began (db/queries.ts beginLogin). */
  readonly feedHead: number;
  readonly now: number;
  /** The answer when the proof no longer holds: the route's own generic 401. */
  readonly refusal: ProblemType;
  /** More members of the JSON token response, made once the session has started (a device token). */
  readonly extra?: () => Promise<Record<string, string>>;
}

export async function signIn(c: Context<AppEnv>, db: Database, sign: SignIn): Promise<Response> {
  const settings = c.get('settings');
  const sessionId = randomId();
  const sessionExpiresAt = sign.now + settings.sessionLifetimeSeconds;
  const started = await startSession(
    db,
    {
      id: sessionId,
      userId: sign.user.id,
      createdAt: sign.now,
      expiresAt: sessionExpiresAt,
      userAgent: c.req.header('User-Agent')?.slice(0, 256) ?? null,
    },
    sign.proof,
    {
      attempt: sign.attempt,
      feedHead: sign.feedHead,
      activity: { type: sign.activity, ...activityOrigin(c) },
    },
  );
  // The password changed, the passkey or the account was deleted, or its sessions all ended while it
  // was checked.
  if (!started) return problem(sign.refusal);
  return tokenResponse(
    c,
    settings,
    { sub: sign.user.id, sid: sessionId, username: sign.user.username, gen: 0 },
    sessionExpiresAt,
    sign.now,
    sign.extra === undefined ? {} : await sign.extra(),
  );
}
