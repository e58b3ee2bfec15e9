// How failed password checks are throttled (docs/security.md, "Throttling"). Failures are counted
// twice: per name and source, and per name across all sources.
//
// - A source is where an attempt comes from: the client's network (an IPv4 address or an IPv6 /64),
//   a device that has logged in to the account before and proves it with a device token, or the
//   caller's own session (on /password and /account). Each source gets `freeFailures` failures at a
//   name, then waits that double from 2 s up to `maxBackoffSeconds`. A stranger's failures are
//   counted against the stranger's network, so they never keep the owner out from elsewhere.
// - Across all sources, `hardStopFailures` consecutive failures at a name (at most 100: NIST SP
//   800-63B §5.2.2) close it for `hardStopSeconds` against distributed guessing. The owner's
//   recognised devices and sessions still get through while their own count is under `freeFailures`.
//
// The same schedule applies to names that do not exist, so a throttled answer says nothing about
// whether an account is real.

export interface LoginThrottlePolicy {
  /** Failures per name and source before any wait: typos should cost nothing. */
  readonly freeFailures: number;
  /** The longest wait between one source's failures, once the backoff has doubled its way up. */
  readonly maxBackoffSeconds: number;
  /** At this many consecutive failures across all sources, the name is closed for `hardStopSeconds`. */
  readonly hardStopFailures: number;
  readonly hardStopSeconds: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = {
  freeFailures: 4,
  maxBackoffSeconds: 3600,
  hardStopFailures: 100,
  hardStopSeconds: 24 * 3600,
};

/** Seconds a source waits at a name after its `failures`-th consecutive failure there. */
export function sourceBackoffSeconds(
  failures: number,
  policy: LoginThrottlePolicy = DEFAULT_LOGIN_THROTTLE,
): number {
  if (failures <= policy.freeFailures) return 0;
  // Starts at 2 s: a block must outlast the second in which it was set.
  return Math.min(policy.maxBackoffSeconds, 2 ** Math.min(30, failures - policy.freeFailures));
}

/** Seconds the name is closed after its `failures`-th consecutive failure across all sources. */
export function nameStopSeconds(
  failures: number,
  policy: LoginThrottlePolicy = DEFAULT_LOGIN_THROTTLE,
): number {
  return failures >= policy.hardStopFailures ? policy.hardStopSeconds : 0;
}

/** Where an attempt comes from; the key of its per-source count. */
export interface AttemptSource {
  readonly key: string;
  /**
   * The user a recognised device or a session vouches for. Such a source is exempt from the name's
   * hard stop and from the global failed-log-in cap while it is that name's user and its own count is
   * under the free failures.
   */
  readonly vouchesFor?: string;
}

export function networkSource(network: string): AttemptSource {
  return { key: `network:${network}` };
}

export function deviceSource(deviceId: string, userId: string): AttemptSource {
  return { key: `device:${deviceId}`, vouchesFor: userId };
}

export function sessionSource(sessionId: string, userId: string): AttemptSource {
  return { key: `session:${sessionId}`, vouchesFor: userId };
}

/** Caps across all clients, per minute, on the work a flood from many addresses could make us do. */
export interface GlobalLimits {
  /** Sign-ups that may reach password hashing. */
  readonly signupsPerMinute: number;
  /** Failed log-ins from networks (recognised devices and sessions are not counted). */
  readonly failedLoginsPerMinute: number;
}

export const DEFAULT_GLOBAL_LIMITS: GlobalLimits = {
  signupsPerMinute: 60,
  failedLoginsPerMinute: 600,
};

/** The fixed one-minute window the global caps count in. */
export const GLOBAL_WINDOW_SECONDS = 60;

export function windowStart(now: number): number {
  return now - (now % GLOBAL_WINDOW_SECONDS);
}
