// The suite's response check must itself be able to fail: fed leaky or malformed responses, it throws.
import { describe, expect, it } from 'vitest';
import { checkResponse, UnsafeResponse } from './harness';

function problemResponse(
  body: unknown,
  status = 400,
  headers: Record<string, string> = {},
): [Response, string] {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return [
    new Response(text, { status, headers: { 'Content-Type': 'application/problem+json', ...headers } }),
    text,
  ];
}

const ok = { type: '/problems/invalid-request', title: 'The request is invalid', status: 400 };

describe('checkResponse', () => {
  it('passes well-formed answers, including our own wording', () => {
    const cases: [string, string, Response, string][] = [
      [
        'POST',
        '/signup',
        ...problemResponse({ ...ok, detail: 'The username must be at most 32 characters long.' }),
      ],
      [
        'GET',
        '/data',
        new Response('This is your secret data: at 2026-01-01T10:00:00.000Z.', { status: 200 }),
        'This is your secret data: at 2026-01-01T10:00:00.000Z.',
      ],
      [
        'GET',
        '/data',
        ...problemResponse(
          { type: '/problems/invalid-token', title: 'A valid access token is required', status: 401 },
          401,
          { 'WWW-Authenticate': 'Bearer realm="x"' },
        ),
      ],
      ['HEAD', '/data', new Response(null, { status: 401 }), ''],
    ];
    for (const [method, path, response, text] of cases) {
      expect(() => checkResponse(method, path, response, text, ['hunter2-hunter2'])).not.toThrow();
    }
  });

  it('catches 5xx, internals, echoed secrets and malformed problem documents', () => {
    const leaks: [string, string, Response, string, string[]][] = [
      ['5xx', '/login', ...problemResponse({ ...ok, status: 500 }, 500), []],
      ['stack frame', '/login', ...problemResponse({ ...ok, detail: 'x\n    at parse (index.js:1:2)' }), []],
      [
        'inline frame',
        '/login',
        ...problemResponse({ ...ok, detail: 'failed at readStringFields (/app/worker/http/body.ts:80:3)' }),
        [],
      ],
      ['D1 error', '/login', ...problemResponse({ ...ok, detail: 'D1_ERROR: constraint' }), []],
      ['SQLite error', '/login', ...problemResponse({ ...ok, detail: 'SQLITE_CONSTRAINT_UNIQUE' }), []],
      ['exception name', '/login', ...problemResponse({ ...ok, detail: 'TypeError: x is undefined' }), []],
      ['SQL', '/login', ...problemResponse({ ...ok, detail: 'select id from users where name = ?' }), []],
      ['ORM', '/login', ...problemResponse({ ...ok, detail: 'DrizzleError' }), []],
      ['extra member', '/login', ...problemResponse({ ...ok, stack: 'x' }), []],
      ['no type', '/login', ...problemResponse({ title: 't', status: 400 }), []],
      ['wrong status member', '/login', ...problemResponse({ ...ok, status: 401 }), []],
      ['not JSON', '/login', ...problemResponse('<html>oops</html>'), []],
      [
        'HTML error',
        '/login',
        new Response('{}', { status: 400, headers: { 'Content-Type': 'text/html' } }),
        '{}',
        [],
      ],
      [
        'echoed password',
        '/login',
        ...problemResponse({ ...ok, detail: 'bad hunter2-hunter2' }),
        ['hunter2-hunter2'],
      ],
      [
        'echoed token in a header',
        '/data',
        new Response('ok', { headers: { 'X-Debug': 'tok.en.value-long' } }),
        'ok',
        ['tok.en.value-long'],
      ],
      [
        '401 without challenge',
        '/data',
        ...problemResponse({ type: '/problems/invalid-token', title: 't', status: 401 }, 401),
        [],
      ],
      ['HEAD with a body', '/data', new Response('x'), 'x', []],
      [
        'internals in a header',
        '/data',
        new Response('ok', { headers: { 'X-Error': 'Error: boom' } }),
        'ok',
        [],
      ],
    ];
    for (const [label, path, response, text, secrets] of leaks) {
      const method = label === 'HEAD with a body' ? 'HEAD' : 'GET';
      expect(() => checkResponse(method, path, response, text, secrets), label).toThrow(UnsafeResponse);
    }
  });
});
