// Helpers for driving the Worker through its real fetch handler, with the real local D1. Every
// response they hand back has been checked against the OpenAPI document first (openapi-conformance.ts).
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { createApp } from '../../worker/app';
import { decodeBase64url } from '../../worker/auth/base64url';
import type { Bindings } from '../../worker/config';
import { openApiDocument } from '../../worker/openapi/document';
import { responseChecker } from './openapi-conformance';

export const ORIGIN = 'https://gatehouse.test';

let counter = 0;
/** Storage is shared by the tests of a file: every test gets names of its own. */
export function uniqueName(prefix = 'user'): string {
  counter++;
  return `${prefix}${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`;
}

// The Worker's own default export (worker/index.ts), as the runtime would call it.
const worker = (exports as unknown as { default: Fetcher }).default;

const conformsToDocument = responseChecker(openApiDocument());

/**
 * The response, unread, once the document has been found to describe it and, when it is a success, the
 * request body it accepted (else an UndescribedResponse). `requestBody` is the body as sent, read from a
 * copy of the request before the Worker read the request itself.
 */
export async function described(
  request: Request,
  requestBody: string,
  response: Response,
): Promise<Response> {
  const { method, url } = request;
  const { status, headers } = response;
  conformsToDocument({
    method,
    url,
    status,
    headers,
    body: await response.clone().text(),
    request: { contentType: request.headers.get('Content-Type'), body: requestBody },
  });
  return response;
}

/** The body of a request about to be sent, read from a copy (as bytes: workerd warns on `text()` of a form). */
const bodyOf = async (request: Request) => new TextDecoder().decode(await request.clone().arrayBuffer());

export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const sent = new Request(`${ORIGIN}${path}`, init);
  const body = await bodyOf(sent);
  return described(sent, body, await worker.fetch(sent));
}

/**
 * Sends a request through an app of the test's own (its own session cache, its own clock) with the
 * given bindings (settings are read per `env` object), and waits for its background work. `path` may
 * be a full URL or a Request.
 */
export async function requestApp(
  app: ReturnType<typeof createApp>,
  bindings: Bindings,
  path: string | Request,
  init: RequestInit = {},
): Promise<Response> {
  const ctx = createExecutionContext();
  const sent =
    typeof path === 'string' ? new Request(path.startsWith('http') ? path : `${ORIGIN}${path}`, init) : path;
  const body = await bodyOf(sent);
  const response = await app.fetch(sent, bindings, ctx);
  await waitOnExecutionContext(ctx);
  return described(sent, body, response);
}

const app = createApp();

/** Sends a request through the app with other bindings than the Worker's (see requestApp). */
export function requestWith(bindings: Bindings, path: string | Request, init: RequestInit = {}) {
  return requestApp(app, bindings, path, init);
}

export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

export interface CredentialsOptions {
  json?: boolean;
  accept?: string;
}

export function postCredentials(
  path: '/signup' | '/login',
  username: string,
  password: string,
  options: CredentialsOptions = {},
) {
  const headers: Record<string, string> = {
    'Content-Type': options.json ? 'application/json' : 'application/x-www-form-urlencoded; charset=utf-8',
  };
  if (options.accept) headers.Accept = options.accept;
  const body = options.json ? JSON.stringify({ username, password }) : form({ username, password });
  return request(path, { method: 'POST', headers, body });
}

export const PASSWORD = 'correct horse battery staple';

/** Signs up and logs in; returns the bare token. */
export async function newAccount(
  username = uniqueName(),
  password = PASSWORD,
): Promise<{ username: string; token: string }> {
  const signup = await postCredentials('/signup', username, password);
  if (signup.status !== 201) throw new Error(`signup: ${signup.status} ${await signup.text()}`);
  const login = await postCredentials('/login', username, password);
  if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
  return { username, token: await login.text() };
}

export function getData(authorization?: string, accept?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.Authorization = authorization;
  if (accept !== undefined) headers.Accept = accept;
  return request('/data', { headers });
}

export async function expectProblem(response: Response, status: number, type: string) {
  const text = await response.text();
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${text}`);
  if (!response.headers.get('Content-Type')?.startsWith('application/problem+json')) {
    throw new Error(`not a problem document: ${response.headers.get('Content-Type')}`);
  }
  const body = JSON.parse(text) as { type: string; title: string; status: number; detail?: string };
  if (body.type !== `/problems/${type}` || body.status !== status)
    throw new Error(`unexpected problem ${text}`);
  return body;
}

/** A token's payload, decoded without verifying it (tests read the claims the Worker wrote). */
export function payloadOf(token: string): Record<string, unknown> {
  const bytes = decodeBase64url(token.split('.')[1] ?? '');
  if (bytes === null) throw new Error('payload is not base64url');
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}
