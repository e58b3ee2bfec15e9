import type { AccessClaims } from '../auth/access-token';
import type { Clock } from '../clock';
import type { Bindings, Settings } from '../config';
import type { SessionCheck, SessionFacts } from '../session-check/session-check';

/** The caller of an authenticated route: a valid token whose session is active. */
export interface Caller {
  readonly claims: AccessClaims;
  readonly session: SessionFacts;
}

/** What handlers see: the bindings, the settings validated once per isolate, and the caller. */
export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    settings: Settings;
    /** The isolate's session cache and revocation view, one per app and settings. */
    sessionCheck: SessionCheck;
    /** Milliseconds; the app's clock (worker/clock.ts), replaced in tests. */
    clock: Clock;
    caller: Caller;
    /** Set when a throttle refused the request, for the log line. */
    throttled: 'ip' | 'account' | 'global';
  };
}

/** Token responses and anything personal must never be stored by a cache. */
export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;
