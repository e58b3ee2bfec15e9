// The activity log's event types (docs/activity.md), one list for two readers: the Worker writes them,
// and the PWA words them (pwa/src/screens/activity.tsx), so a type added here and not worded there is
// a type error. No dependencies: the PWA imports it too.

export const ACTIVITY_TYPES = [
  'sign_up',
  'sign_in',
  /** Counted: one row per account, network, session and hour, `count` the wrong passwords. */
  'sign_in_failed',
  /** Counted like sign_in_failed: password checks the throttle refused (docs/security.md). */
  'sign_in_throttled',
  'logout',
  /** One session ended by DELETE /sessions/:id, from another device (or from itself). */
  'session_ended',
  'logout_everywhere',
  /** A replaced token was presented to /refresh again, and its session ended. */
  'refresh_reuse',
  'password_changed',
  'passkey_added',
  'passkey_removed',
  'passkey_sign_in',
] as const;

export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** The types whose rows count attempts rather than record one event. */
export const COUNTED_TYPES = [
  'sign_in_failed',
  'sign_in_throttled',
] as const satisfies readonly ActivityType[];
