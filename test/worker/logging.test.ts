// Logs and request ids: every response carries our X-Request-Id, a client's id is never ours, and an
// unexpected error (a real D1 without its tables) is logged by name and code, never with its message.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Bindings } from '../../worker/config';
import { expectProblem, form, newAccount, PASSWORD, request, requestWith, uniqueName } from './http';
import { logLines, takeLogs } from './logs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
/** The Worker's bindings, but its database has none of its tables: every statement fails. */
const brokenDatabase = { ...env, DB: env.UNMIGRATED_DB } as unknown as Bindings;

describe('X-Request-Id', () => {
  it('is on every response, successes and errors alike, and names the request in the log', async () => {
    const { token } = await newAccount();
    const responses: [string, Response][] = [
      ['200', await request('/data', { headers: { Authorization: token } })],
      ['204 OPTIONS', await request('/login', { method: 'OPTIONS' })],
      ['401', await request('/data')],
      ['404', await request('/data/nope')],
      ['405', await request('/login')],
      [
        '413',
        await request('/signup', { method: 'POST', headers: FORM, body: `username=${'a'.repeat(9000)}` }),
      ],
      [
        '415',
        await request('/signup', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' }),
      ],
      ['503', await requestWith({ ...env, JWT_SECRET: undefined } as Bindings, '/data')],
      [
        '500',
        await requestWith(brokenDatabase, '/login', {
          method: 'POST',
          headers: FORM,
          body: form({ username: uniqueName(), password: PASSWORD }),
        }),
      ],
    ];
    const ids = new Set<string>();
    for (const [what, response] of responses) {
      expect(response.headers.get('X-Request-Id'), what).toMatch(UUID);
      ids.add(response.headers.get('X-Request-Id') as string);
    }
    expect(ids.size).toBe(responses.length);
    // The 503 and the 500 are logged as errors, each with the id its response carries.
    const errorIds = takeLogs({ level: 'error', event: 'request' }).map((line) => line.request_id);
    expect(errorIds).toEqual([...ids].slice(-2));
    takeLogs({ event: 'config_invalid' });
    expect(takeLogs({ event: 'unhandled' })).toHaveLength(1);
  });

  it("is never the client's own X-Request-Id, which is logged apart only when short and plain", async () => {
    const response = await requestWith(env as Bindings, '/nope', {
      headers: { 'X-Request-Id': 'client-42.a' },
    });
    const ours = response.headers.get('X-Request-Id');
    expect(ours).toMatch(UUID);
    expect(takeLogs({ event: 'request' })).toEqual([
      expect.objectContaining({ request_id: ours, client_request_id: 'client-42.a', status: 404 }),
    ]);

    for (const hostile of ['x'.repeat(65), 'two words', '<script>', 'a"b', '']) {
      const answer = await requestWith(env as Bindings, '/nope', { headers: { 'X-Request-Id': hostile } });
      expect(answer.headers.get('X-Request-Id')).toMatch(UUID);
      const [line] = takeLogs({ event: 'request' });
      expect(line?.request_id).toBe(answer.headers.get('X-Request-Id'));
      expect(line).not.toHaveProperty('client_request_id');
    }
  });
});

describe('an unexpected error', () => {
  it('is a bare 500 problem, logged by name and code, never with the statement or its parameters', async () => {
    const username = uniqueName('Logged');
    const password = `${PASSWORD} never-logged`;
    for (const path of ['/signup', '/login']) {
      const response = await requestWith(brokenDatabase, path, {
        method: 'POST',
        headers: FORM,
        body: form({ username, password }),
      });
      const problem = await expectProblem(response, 500, 'internal-error');
      expect(problem).not.toHaveProperty('detail');
    }
    const everything = JSON.stringify(logLines());
    const unhandled = takeLogs({ event: 'unhandled' });
    expect(unhandled).toHaveLength(2);
    for (const line of unhandled) {
      expect(line).toEqual({
        level: 'error',
        event: 'unhandled',
        request_id: expect.stringMatching(UUID),
        // drizzle's wrapper for its own queries, D1's plain Error for a batch sent to D1 directly.
        error_name: expect.stringMatching(/^(DrizzleQueryError|Error)$/),
        error_code: 'SQLITE_ERROR',
      });
    }
    // Neither the values sent, nor anything of the failed statement, reached any log line.
    for (const value of [
      username,
      username.toLowerCase(),
      password,
      'select',
      'insert',
      'params',
      '$pbkdf2',
    ]) {
      expect(everything.toLowerCase()).not.toContain(value.toLowerCase());
    }
    expect(takeLogs({ level: 'error', event: 'request', status: 500 })).toHaveLength(2);
  });
});
