// RFC 9457 problem details: the one error vocabulary of the API. `type` URIs are stable and
// documented in the README; `detail` explains this occurrence and never carries internals.

export const PROBLEMS = {
  'invalid-request': { status: 400, title: 'The request is invalid' },
  'invalid-credentials': { status: 401, title: 'Invalid username or password' },
  'invalid-token': { status: 401, title: 'A valid access token is required' },
  'wrong-password': { status: 403, title: 'The password is not correct' },
  'cross-site-request': { status: 403, title: 'Cross-site requests are not allowed' },
  'not-found': { status: 404, title: 'No such resource' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'username-taken': { status: 409, title: 'That username is already registered' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'too-many-requests': { status: 429, title: 'Too many requests' },
  'internal-error': { status: 500, title: 'Something went wrong on our side' },
  'service-unavailable': { status: 503, title: 'The service is not configured' },
} as const;

export type ProblemType = keyof typeof PROBLEMS;

export function problemTypeUri(type: ProblemType): string {
  return `/problems/${type}`;
}

export function problem(type: ProblemType, detail?: string, headers?: HeadersInit): Response {
  const { status, title } = PROBLEMS[type];
  const body = JSON.stringify(
    detail === undefined
      ? { type: problemTypeUri(type), title, status }
      : { type: problemTypeUri(type), title, status, detail },
  );
  const response = new Response(body, {
    status,
    headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store' },
  });
  // RFC 9110 §15.5.2: every 401 names the scheme that would work.
  if (status === 401) response.headers.set('WWW-Authenticate', 'Bearer realm="gatehouse"');
  if (headers !== undefined) {
    for (const [name, value] of new Headers(headers)) response.headers.set(name, value);
  }
  return response;
}

/** Thrown by parsers deep in a handler; the app's error handler turns it into the problem response. */
export class ProblemError extends Error {
  constructor(
    readonly type: ProblemType,
    readonly detail?: string,
    readonly headers?: HeadersInit,
  ) {
    super(detail ?? type);
  }
}
