// RFC 9457 problem details: the one error vocabulary of the API. `type` URIs are stable and
// documented in docs/api.md; each one answers GET with its description (routes/problems.ts).
// `detail` explains this occurrence and never carries internals.
import { HTTPException } from 'hono/http-exception';

export const PROBLEMS = {
  'invalid-request': {
    status: 400,
    title: 'The request is invalid',
    description:
      'The body could not be used: a field is missing, repeated or not a string, the JSON or the form encoding is malformed, or a username or password breaks a rule. `detail` says which.',
  },
  'invalid-credentials': {
    status: 401,
    title: 'Invalid username or password',
    description:
      'No account has this username and password. The answer is the same whether the name exists or not.',
  },
  'invalid-token': {
    status: 401,
    title: 'A valid access token is required',
    description:
      'The Authorization header is missing, or its token is malformed, forged, expired or of an ended session. Log in again for a new token.',
  },
  'wrong-password': {
    status: 403,
    title: 'The password is not correct',
    description:
      'The password confirming a password change or an account deletion is wrong. Nothing was changed; it counts as a failed log-in.',
  },
  'passkey-not-accepted': {
    status: 401,
    title: 'The passkey was not accepted',
    description:
      'The passkey is not registered here or not for the account named, its challenge was used, expired or never issued, or its signature or counter did not verify. One answer for every reason, like a wrong password; it counts as a failed log-in.',
  },
  'reauthentication-required': {
    status: 403,
    title: 'A recent sign-in is required',
    description:
      'Adding or deleting a passkey needs a session signed in within the last 10 minutes, with a password or a passkey (a refresh does not count). Log in again, then retry with the new token.',
  },
  'passkey-registration-failed': {
    status: 400,
    title: 'The passkey could not be added',
    description:
      'Its challenge was used, expired or never issued to this account, or the new credential did not verify (user verification is required). Ask for new options and try again.',
  },
  'relying-party-mismatch': {
    status: 400,
    title: 'The passkey is for another site',
    description:
      'The page is not on an origin passkeys are set up for (PASSKEY_ORIGINS, by default the API’s own origin), or the passkey was made for another relying party ID than PASSKEY_RP_ID. `detail` says which.',
  },
  'cross-site-request': {
    status: 403,
    title: 'Cross-site requests are not allowed',
    description:
      'A browser sent this request from a page on another site (Sec-Fetch-Site or Origin says so). Only the app itself and origins listed in CORS_ORIGINS may change state.',
  },
  'not-found': {
    status: 404,
    title: 'No such resource',
    description:
      "No such path, or a session or passkey that is not the caller's. The API's paths are exact: lowercase, no trailing slash.",
  },
  'method-not-allowed': {
    status: 405,
    title: 'Method not allowed',
    description: 'The path exists but not with this method. The Allow header lists the methods it takes.',
  },
  'username-taken': {
    status: 409,
    title: 'That username is already registered',
    description:
      'An account already has this name, or a spelling of it with the same canonical form (case, accents, width).',
  },
  'passkey-exists': {
    status: 409,
    title: 'That passkey is already registered',
    description: 'This credential is already a passkey of an account here. Nothing was added.',
  },
  'passkey-limit-reached': {
    status: 409,
    title: 'No more passkeys can be added',
    description: 'An account has at most 20 passkeys. Delete one to add another.',
  },
  'payload-too-large': {
    status: 413,
    title: 'The request body is too large',
    description: 'Request bodies are at most 8 KiB.',
  },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported media type',
    description:
      'Bodies are application/x-www-form-urlencoded or application/json, named by the Content-Type header.',
  },
  'too-many-requests': {
    status: 429,
    title: 'Too many requests',
    description:
      'Too many failed log-ins for this name, or too many password attempts from this network. Retry-After says how many seconds to wait.',
  },
  'internal-error': {
    status: 500,
    title: 'Something went wrong on our side',
    description:
      'An unexpected error. Nothing about it is sent; the server log has it under the X-Request-Id.',
  },
  'service-unavailable': {
    status: 503,
    title: 'The service is not configured',
    description: 'A required setting is missing or invalid. The server log names it.',
  },
} as const;

export type ProblemType = keyof typeof PROBLEMS;

export function isProblemType(name: string): name is ProblemType {
  return Object.hasOwn(PROBLEMS, name);
}

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

/**
 * Thrown by parsers deep in a handler. A Hono `HTTPException` whose response is the problem document,
 * so anything that renders Hono's exceptions (the app's error handler, or Hono's default one in an app
 * that has none) answers the same document.
 */
export class ProblemError extends HTTPException {
  constructor(
    readonly type: ProblemType,
    readonly detail?: string,
    readonly headers?: HeadersInit,
  ) {
    super(PROBLEMS[type].status, { message: detail ?? type });
  }

  override getResponse(): Response {
    return problem(this.type, this.detail, this.headers);
  }
}

// The problem type for an HTTPException that Hono itself (or a library middleware) throws, by status.
// Their messages are not ours to vouch for, so none is sent.
const TYPE_FOR_STATUS: Readonly<Partial<Record<number, ProblemType>>> = {
  400: 'invalid-request',
  401: 'invalid-token',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'too-many-requests',
  503: 'service-unavailable',
};

/** The problem document for an HTTPException, or null for a status the vocabulary has no type for. */
export function problemForException(error: HTTPException): Response | null {
  if (error instanceof ProblemError) return error.getResponse();
  const type = TYPE_FOR_STATUS[error.status];
  if (type === undefined) return null;
  // Headers the thrower set on its response (Retry-After, Allow, WWW-Authenticate) are kept.
  const response = problem(type);
  if (error.res !== undefined) {
    for (const [name, value] of error.res.headers) {
      if (name !== 'content-type' && name !== 'content-length') response.headers.set(name, value);
    }
  }
  return response;
}
