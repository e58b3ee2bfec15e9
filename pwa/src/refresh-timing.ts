// When the silent refresh is due: a pure function of the token's times and the device's clock.
import type { Session } from './session';

const DAY_SECONDS = 24 * 60 * 60;

/**
 * When the silent refresh should replace this token (Date.now() milliseconds), or null if it cannot
 * tell (no `iat`). Due when less than a fifth of the token's lifetime remains, or less than a day
 * (at most half the lifetime, so short-lived tokens are not refreshed all the time). A token this
 * browser received is not refreshed before half its lifetime has passed since it arrived, so a device
 * clock that is far ahead cannot make the app refresh over and over.
 */
export function refreshDueAt(session: Session): number | null {
  if (session.iat === undefined) return null;
  const lifetime = session.exp - session.iat;
  if (lifetime <= 0) return null;
  const threshold = Math.max(0.2 * lifetime, Math.min(DAY_SECONDS, 0.5 * lifetime));
  const due = (session.exp - threshold) * 1000;
  return session.receivedAt === undefined ? due : Math.max(due, session.receivedAt + lifetime * 500);
}
