// The API client: one `call` that speaks the API's conventions (JSON in and out, Bearer token,
// RFC 9457 problem details on failure), and one line per route. Adding a route is adding a line, here
// for the routes of the first screens, and beside their page for the routes only a lazily loaded page
// calls (screens/devices.tsx, screens/account.tsx), so the first load carries none of them.

/** An RFC 9457 problem document, as the API sends with every error. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  /** What went wrong this time, in words meant for the person (e.g. a password rule). */
  readonly detail?: string;
}

export type Outcome<T> =
  | { readonly kind: 'ok'; readonly status: number; readonly body: T }
  /** The API answered with an error status; `problem` is its explanation when it sent one. */
  | { readonly kind: 'refused'; readonly status: number; readonly problem: Problem | undefined }
  /** No answer at all: offline, DNS, server down. */
  | { readonly kind: 'unreachable' };

/** The HTTP status of an answer; 0 when there was none. */
export function statusOf(outcome: Outcome<unknown>): number {
  return outcome.kind === 'unreachable' ? 0 : outcome.status;
}

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** POST /login with Accept: application/json (an OAuth 2 token response). */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly username: string;
  /** Proof that this browser has logged in before, for the next log-in (when one was sent). */
  readonly device_token?: string;
}

/** One of the caller's active sessions (GET /sessions); times in seconds since the epoch. */
export interface SessionInfo {
  readonly id: string;
  readonly created_at: number;
  readonly last_used_at: number | null;
  readonly expires_at: number;
  readonly user_agent: string | null;
  /** The session of the token that asked. */
  readonly current: boolean;
}

/** GET /data with Accept: application/json. */
export interface DataResponse {
  readonly username: string;
  readonly data: string;
  readonly session_expires_at: number;
}

interface CallOptions {
  readonly token?: string;
  readonly body?: unknown;
  /** The request outlives the page (log-out when the tab is closed right after). */
  readonly keepalive?: boolean;
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'status' in value && 'title' in value;
}

/** "2 minutes", "3 hours": the largest unit that fits, rounded up, so the wait is never understated. */
function waitText(seconds: number): string {
  const [unit, size] = seconds >= 5400 ? ['hour', 3600] : seconds >= 90 ? ['minute', 60] : ['second', 1];
  return new Intl.NumberFormat('en', { style: 'unit', unit, unitDisplay: 'long' }).format(
    Math.max(1, Math.ceil(seconds / size)),
  );
}

/**
 * A throttled answer says how long to wait in Retry-After (seconds); its `detail` may only say "later".
 * The reason keeps its first words and ends with the real wait.
 */
function withWait(problem: Problem, retryAfter: string | null): Problem {
  if (problem.detail === undefined || retryAfter === null || !/^[0-9]+$/.test(retryAfter)) return problem;
  const reason = problem.detail.replace(/\s*Try again[^.]*\.$/, '');
  return { ...problem, detail: `${reason} Try again in ${waitText(Number(retryAfter))}.` };
}

/** One request in the API's conventions; also for features loaded later (pwa/src/passkeys/). */
export async function call<T>(method: string, path: string, options: CallOptions = {}): Promise<Outcome<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      // Personal answers: never from, or into, the HTTP cache.
      cache: 'no-store',
      keepalive: options.keepalive === true,
    });
  } catch {
    return { kind: 'unreachable' };
  }
  // Some answers have no body (204); a body that is not JSON is treated as none.
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok) return { kind: 'ok', status: response.status, body: body as T };
  const problem = isProblem(body) ? withWait(body, response.headers.get('Retry-After')) : undefined;
  return { kind: 'refused', status: response.status, problem };
}

export const api = {
  signup: (credentials: Credentials) => call<unknown>('POST', '/signup', { body: credentials }),
  /** `device_token`: the one the last log-in here returned, or '' to ask for one. */
  login: (credentials: Credentials, device_token: string) =>
    call<TokenResponse>('POST', '/login', { body: { ...credentials, device_token } }),
  data: (token: string) => call<DataResponse>('GET', '/data', { token }),
  /** Ends the session on the server: the token stops working everywhere at once, even if the tab closes. */
  logout: (token: string) => call<unknown>('POST', '/logout', { token, keepalive: true }),
  /** A new token for the same session. */
  refresh: (token: string) => call<TokenResponse>('POST', '/refresh', { token }),
};
