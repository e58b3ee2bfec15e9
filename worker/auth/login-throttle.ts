// How long an account waits after consecutive failed log-ins (NIST SP 800-63B §5.2.2: at most 100
// consecutive failures). The same schedule applies to names that do not exist, so a throttled
// answer says nothing about whether an account is real.

/** Failures allowed before any wait: typos should cost nothing. */
export const FREE_FAILURES = 4;
/** The longest wait between failures, once the backoff has doubled its way up. */
export const MAX_BACKOFF_SECONDS = 3600;
/** At this many consecutive failures the name is closed to log-in for HARD_STOP_SECONDS. */
export const HARD_STOP_FAILURES = 100;
export const HARD_STOP_SECONDS = 24 * 3600;

/** Seconds the name is blocked after its `failures`-th consecutive failure. */
export function backoffSeconds(failures: number): number {
  if (failures >= HARD_STOP_FAILURES) return HARD_STOP_SECONDS;
  if (failures <= FREE_FAILURES) return 0;
  // Starts at 2 s: a block must outlast the second in which it was set.
  return Math.min(MAX_BACKOFF_SECONDS, 2 ** (failures - FREE_FAILURES));
}
