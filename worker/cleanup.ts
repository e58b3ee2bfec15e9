// The nightly clean-up (the Cron Trigger in wrangler.toml): ended sessions, forgotten failure counts,
// old revocation-feed rows, expired passkey challenges and activity past its retention
// (docs/activity.md) go, in bounded batches.
import { type Clock, secondsBy, systemClock } from './clock';
import { type Bindings, loadSettings } from './config';
import { database } from './db/client';
import { deleteExpiredChallenges } from './db/passkeys';
import { deleteStaleRows } from './db/queries';
import { log } from './log';

const DAY_SECONDS = 24 * 3600;

/** `clock`: tests pass their own to stand the run at a later day without sleeping. */
export async function cleanUp(env: Bindings, clock: Clock = systemClock) {
  const now = secondsBy(clock);
  // With settings that do not load (the log says which), activity is kept: a retention cannot be
  // known, and keeping too long is the harmless mistake. Everything else is cleaned as always.
  const loaded = await loadSettings(env);
  const activityBefore = loaded.ok ? now - loaded.settings.activityRetentionDays * DAY_SECONDS : undefined;
  const db = database(env.DB);
  const deleted = await deleteStaleRows(db, now, activityBefore);
  const passkeyChallenges = await deleteExpiredChallenges(db, now);
  log('info', 'cleanup', {
    deleted_sessions: deleted.sessions,
    deleted_login_failures: deleted.loginFailures,
    deleted_revocations: deleted.revocations,
    deleted_activity: activityBefore === undefined ? null : deleted.activity,
    deleted_passkey_challenges: passkeyChallenges,
  });
  return { ...deleted, passkeyChallenges };
}
