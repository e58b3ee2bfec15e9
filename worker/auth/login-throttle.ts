// How long a name waits after consecutive failed password checks (NIST SP 800-63B §5.2.2: at most
// 100 consecutive failures). The same schedule applies to names that do not exist, so a throttled
// answer says nothing about whether an account is real.

export interface LoginThrottlePolicy {
  /** Failures allowed before any wait: typos should cost nothing. */
  readonly freeFailures: number;
  /** The longest wait between failures, once the backoff has doubled its way up. */
  readonly maxBackoffSeconds: number;
  /** At this many consecutive failures the name is closed for `hardStopSeconds`. */
  readonly hardStopFailures: number;
  readonly hardStopSeconds: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = {
  freeFailures: 4,
  maxBackoffSeconds: 3600,
  hardStopFailures: 100,
  hardStopSeconds: 24 * 3600,
};

/** Seconds the name is blocked after its `failures`-th consecutive failure. */
export function backoffSeconds(
  failures: number,
  policy: LoginThrottlePolicy = DEFAULT_LOGIN_THROTTLE,
): number {
  if (failures >= policy.hardStopFailures) return policy.hardStopSeconds;
  if (failures <= policy.freeFailures) return 0;
  // Starts at 2 s: a block must outlast the second in which it was set.
  return Math.min(policy.maxBackoffSeconds, 2 ** Math.min(30, failures - policy.freeFailures));
}
