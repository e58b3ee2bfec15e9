// Shared by the adversarial suite: one way to send a request, and one check that every response
// passes: no 5xx, no internals, RFC 9457 problem documents for errors, nothing secret echoed back.
import { env } from 'cloudflare:workers';
import { encodeBase64url } from '../../../worker/auth/base64url';
import type { Bindings } from '../../../worker/config';
import { payloadOf, requestWith } from '../http';

export const ORIGIN = 'https://gatehouse.test';

// The app the Worker exports, with the test bindings. Throttling is switched off (the documented
// test-only setting) so that hundreds of hostile requests test the parsers, not the rate limiter.
const testEnv = { ...env, THROTTLING: 'off' } as unknown as Bindings;

// ---------------------------------------------------------------------------------------------
// The response check.

const PROBLEM_KEYS = new Set(['type', 'title', 'status', 'detail']);

/** What must never appear in any header or body. */
const INTERNALS: readonly (readonly [string, RegExp])[] = [
  ['a stack frame', /^\s+at\s/m],
  ['a stack frame', /\bat\s+(?:async\s+)?(?:\S+\s+)?\(?\S*\.(?:[cm]?js|ts):\d+(?::\d+)?\)?/],
  ['a file path', /(?:^|[\s"'(])(?:\/[\w.-]+){2,}\.(?:[cm]?js|ts)\b|node_modules|file:\/\//],
  // Whole words only: a random base64url token can hold `D1_` by chance.
  ['a D1 error', /\bD1_[A-Z_]+\b/],
  ['an SQLite error', /SQLITE/i],
  ['an exception name', /Error:/],
  [
    'SQL',
    /\b(?:SELECT\s[\s\S]*\sFROM|INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|CREATE\s+TABLE|UNIQUE\s+constraint|no\s+such\s+(?:table|column))\b/i,
  ],
  ['ORM internals', /drizzle/i],
  ['runtime internals', /workerd|internal error; reference|uncaught/i],
];

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
}

export interface Checked {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The problem document of an error response. */
  readonly problem?: Problem;
}

export class UnsafeResponse extends Error {}

function fail(where: string, why: string, text: string): never {
  throw new UnsafeResponse(`${where}: ${why}\n${text.slice(0, 500)}`);
}

/** Secret-looking values of a request that must never come back: the password and the token. */
function secretsOf(init: RequestInit): string[] {
  const secrets: string[] = [];
  const authorization = new Headers(init.headers).get('Authorization');
  if (authorization !== null) {
    // Long enough to be a token, not a word our own headers could hold (`realm="gatehouse"`).
    if (authorization.length >= 24) secrets.push(authorization);
    for (const part of authorization.split(/[\s,]+/)) if (part.length >= 24) secrets.push(part);
  }
  if (typeof init.body === 'string') {
    let password: unknown;
    try {
      password = (JSON.parse(init.body) as Record<string, unknown>)?.password;
    } catch {
      try {
        password = new URLSearchParams(init.body).get('password');
      } catch {
        password = undefined;
      }
    }
    // Short values could occur in any text by chance ("password" is in our own messages).
    if (typeof password === 'string' && password.length >= 10) secrets.push(password);
  }
  return secrets;
}

/** The checks every response of the suite passes; returns the parsed problem of an error. */
export function checkResponse(
  method: string,
  path: string,
  response: Response,
  text: string,
  secrets: readonly string[] = [],
): Problem | undefined {
  const where = `${method} ${path.slice(0, 80)} → ${response.status}`;
  if (response.status >= 500) fail(where, 'a 5xx response', text);
  if (response.status < 200) fail(where, 'not a final status', text);

  const headerText = [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
  for (const [what, pattern] of INTERNALS) {
    if (pattern.test(text)) fail(where, `the body contains ${what} (${pattern})`, text);
    if (pattern.test(headerText)) fail(where, `a header contains ${what} (${pattern})`, headerText);
  }
  for (const secret of secrets) {
    if (text.includes(secret)) fail(where, 'the body echoes a password or token', text);
    for (const [name, value] of response.headers)
      if (value.includes(secret)) fail(where, `the ${name} header echoes a password or token`, value);
  }

  if (method === 'HEAD') {
    if (text !== '') fail(where, 'a HEAD response with a body', text);
    return undefined;
  }
  if (response.status < 400) return undefined;

  const contentType = response.headers.get('Content-Type') ?? '';
  if (!/^application\/problem\+json\b/i.test(contentType))
    fail(where, `an error that is not application/problem+json (${contentType})`, text);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    fail(where, 'a problem document that is not JSON', text);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    fail(where, 'a problem document that is not an object', text);
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record))
    if (!PROBLEM_KEYS.has(key)) fail(where, `an unexpected problem member "${key}"`, text);
  if (typeof record.type !== 'string' || !/^\/problems\/[a-z][a-z-]*$/.test(record.type))
    fail(where, 'a problem without a stable type', text);
  if (typeof record.title !== 'string' || record.title === '') fail(where, 'a problem without a title', text);
  if (record.status !== response.status)
    fail(where, 'a problem whose status is not the response status', text);
  if (record.detail !== undefined && typeof record.detail !== 'string')
    fail(where, 'a problem detail that is not a string', text);
  if (
    response.status === 401 &&
    /^\/+(?:%64|d)/i.test(path) &&
    !/^Bearer\b/.test(response.headers.get('WWW-Authenticate') ?? '')
  )
    fail(where, 'a 401 from /data without WWW-Authenticate: Bearer', headerText);
  return record as unknown as Problem;
}

// ---------------------------------------------------------------------------------------------
// The Worker's log lines, captured while requests of the suite are in flight: request-log.ts promises
// that no token or password can reach the logs, so they get the same secret and internals check.
// Captured lines are not printed (thousands of hostile requests would drown the test output);
// warnings and errors still are.

const LEVELS = ['log', 'info', 'debug', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];
const originalConsole = Object.fromEntries(LEVELS.map((level) => [level, console[level]])) as Record<
  Level,
  (...args: unknown[]) => void
>;
const logLines: string[] = [];
let inFlight = 0;

function captureLogs(): void {
  if (inFlight++ > 0) return;
  for (const level of LEVELS) {
    console[level] = (...args: unknown[]) => {
      logLines.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
      if (level === 'warn' || level === 'error') originalConsole[level](...args);
    };
  }
}

function releaseLogs(): void {
  if (--inFlight > 0) return;
  for (const level of LEVELS) console[level] = originalConsole[level];
}

function checkLogs(where: string, from: number, secrets: readonly string[]): void {
  const lines = logLines.slice(from).join('\n');
  for (const secret of secrets) {
    if (lines.includes(secret)) fail(where, 'a log line holds a password or token', lines);
  }
  for (const [what, pattern] of INTERNALS.slice(0, 3)) {
    if (pattern.test(lines)) fail(where, `a log line holds ${what}`, lines);
  }
}

export interface SendInit extends RequestInit {
  /** More values that the response must not contain. */
  secrets?: readonly string[];
}

/** Sends a request through the Worker's app and checks the response; the body is read as text. */
export async function send(path: string, init: SendInit = {}): Promise<Checked> {
  const { secrets = [], ...requestInit } = init;
  const request = new Request(`${ORIGIN}${path}`, requestInit);
  const allSecrets = [...secrets, ...secretsOf(requestInit)];
  const firstLine = logLines.length;
  captureLogs();
  let response: Response;
  try {
    response = await requestWith(testEnv, request);
  } finally {
    releaseLogs();
  }
  const text = await response.text();
  checkLogs(`${request.method} ${path.slice(0, 80)}`, firstLine, allSecrets);
  const problem = checkResponse(request.method, path, response, text, allSecrets);
  return {
    method: request.method,
    path,
    status: response.status,
    headers: response.headers,
    text,
    ...(problem === undefined ? {} : { problem }),
  };
}

// ---------------------------------------------------------------------------------------------
// Requests the suite sends often.

export const FORM = 'application/x-www-form-urlencoded; charset=utf-8';

export function postForm(path: string, body: string, headers: Record<string, string> = {}): Promise<Checked> {
  return send(path, { method: 'POST', headers: { 'Content-Type': FORM, ...headers }, body });
}

export function postJson(path: string, body: string, headers: Record<string, string> = {}): Promise<Checked> {
  return send(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
}

/** Credentials as the tutorial's client sends them (form), or as JSON. */
export function credentials(
  path: '/signup' | '/login',
  username: string,
  password: string,
  json = false,
): Promise<Checked> {
  return json
    ? postJson(path, JSON.stringify({ username, password }))
    : postForm(path, new URLSearchParams({ username, password }).toString());
}

export function getData(authorization?: string, headers: Record<string, string> = {}): Promise<Checked> {
  return send('/data', {
    headers: authorization === undefined ? headers : { ...headers, Authorization: authorization },
  });
}

let counter = 0;
/** A fresh ASCII name (letters and digits), unique within the run. */
export function freshName(prefix = 'adv'): string {
  counter++;
  return `${prefix}${Date.now().toString(36).slice(-5)}${counter}${Math.random().toString(36).slice(2, 6)}`;
}

/** A password no policy refuses and no response could contain by chance. */
export function freshPassword(): string {
  return `Gh0st-${crypto.randomUUID()}`;
}

export interface Account {
  readonly username: string;
  readonly password: string;
  readonly token: string;
  /** The token's claims, as issued. */
  readonly claims: Record<string, unknown>;
}

export async function signUp(username: string, password: string): Promise<void> {
  const response = await credentials('/signup', username, password);
  if (response.status !== 201) throw new Error(`sign-up of ${username}: ${response.status} ${response.text}`);
}

export async function logIn(username: string, password: string): Promise<string> {
  const response = await credentials('/login', username, password);
  if (response.status !== 200) throw new Error(`log-in of ${username}: ${response.status} ${response.text}`);
  return response.text;
}

export async function newAccount(username = freshName(), password = freshPassword()): Promise<Account> {
  await signUp(username, password);
  const token = await logIn(username, password);
  return { username, password, token, claims: claimsOf(token) };
}

// ---------------------------------------------------------------------------------------------
// Tokens, forged the way an attacker (or an attacker holding our secret) would.

export const utf8 = new TextEncoder();

/** base64url of a JSON value, of a string's UTF-8, or of raw bytes. */
export function b64(value: unknown): string {
  if (value instanceof Uint8Array) return encodeBase64url(value);
  return encodeBase64url(utf8.encode(typeof value === 'string' ? value : JSON.stringify(value)));
}

export function segmentsOf(token: string): [string, string, string] {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('not a three-segment token');
  return parts as [string, string, string];
}

export function claimsOf(token: string): Record<string, unknown> {
  return payloadOf(segmentsOf(token).join('.'));
}

/** The secret the Worker under test signs with (the first of a rotation list). */
export function ourSecret(): string {
  return (env.JWT_SECRET.split(',')[0] as string).trim();
}

/** An HMAC over `signingInput`, base64url, with any secret and hash. */
export async function hmac(signingInput: string, secret = ourSecret(), hash = 'SHA-256'): Promise<string> {
  const key = await crypto.subtle.importKey('raw', utf8.encode(secret), { name: 'HMAC', hash }, false, [
    'sign',
  ]);
  return encodeBase64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8.encode(signingInput))));
}

/** `header.payload.signature` with a correct HMAC over the two given segments. */
export async function forge(
  header: string,
  payload: string,
  secret = ourSecret(),
  hash = 'SHA-256',
): Promise<string> {
  return `${header}.${payload}.${await hmac(`${header}.${payload}`, secret, hash)}`;
}
