// The API contract (docs/contract.md §2) through the Worker's fetch handler and a real local D1.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Bindings } from '../../worker/config';
import { PROBLEMS, problemTypeUri } from '../../worker/http/problem';
import {
  expectProblem,
  getData,
  newAccount,
  PASSWORD,
  payloadOf,
  postCredentials,
  request,
  requestWith,
  uniqueName,
} from './http';
import { takeLogs } from './logs';

describe('POST /signup', () => {
  it('creates an account: 201 with plain text, or JSON when asked', async () => {
    const plain = await postCredentials('/signup', uniqueName(), PASSWORD);
    expect(plain.status).toBe(201);
    expect(await plain.text()).toBe('Created');
    const name = uniqueName('Json');
    const json = await postCredentials('/signup', name, PASSWORD, { json: true, accept: 'application/json' });
    expect(json.status).toBe(201);
    expect(await json.json()).toMatchObject({ username: name });
  });

  it('answers 409 for a taken name, whatever its spelling, and keeps the first account', async () => {
    const name = uniqueName('dup');
    expect((await postCredentials('/signup', name, PASSWORD)).status).toBe(201);
    await expectProblem(await postCredentials('/signup', name, 'another password 1'), 409, 'username-taken');
    await expectProblem(
      await postCredentials('/signup', name.toUpperCase(), 'another password 1'),
      409,
      'username-taken',
    );
    const fullwidth = [...name]
      .map((c) => String.fromCodePoint((c.codePointAt(0) as number) + 0xfee0))
      .join('');
    await expectProblem(
      await postCredentials('/signup', fullwidth, 'another password 1'),
      409,
      'username-taken',
    );
    expect((await postCredentials('/login', name, PASSWORD)).status).toBe(200);
    expect((await postCredentials('/login', name, 'another password 1')).status).toBe(401);
  });

  it('gives exactly one 201 when 20 sign-ups of one name race', async () => {
    const name = uniqueName('race');
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        postCredentials('/signup', i % 2 ? name : name.toUpperCase(), `${PASSWORD} ${i}`),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
  });

  it('answers 400 with a reason for invalid input', async () => {
    const cases: [string, string, RegExp][] = [
      ['abc', PASSWORD, /at least 4/],
      [uniqueName(), 'short', /at least 8/],
      ['zero\u200Bwidth', PASSWORD, /invisible/],
      [uniqueName(), 'x'.repeat(1025), /at most 1024 bytes/],
      [uniqueName(), 'sunshine', /commonly used/],
      [uniqueName(), 'Baseball1', /commonly used|at least/],
      [uniqueName(), 'ＰＡＳＳＷＯＲＤ', /commonly used/],
      ['maria1990', 'maria1990-secret', /must not contain the username/],
    ];
    for (const [username, password, reason] of cases) {
      const problem = await expectProblem(
        await postCredentials('/signup', username, password),
        400,
        'invalid-request',
      );
      expect(problem.detail).toMatch(reason);
    }
  });

  it('answers 400 for missing fields, wrong types, malformed JSON and repeated fields, never 500', async () => {
    const bodies: [string, string][] = [
      ['application/json', '{"username":"valid-name"}'],
      ['application/json', '{"username":["a","b"],"password":"correct horse"}'],
      ['application/json', '{"username":"valid-name","password":12345678}'],
      ['application/json', '{"username":'],
      ['application/json', '[]'],
      ['application/json', '{"username":"valid-name","username":"other-name","password":"correct horse"}'],
      ['application/x-www-form-urlencoded', 'username=valid-name'],
      ['application/x-www-form-urlencoded', 'username=a&username=b&password=correct+horse'],
      ['application/x-www-form-urlencoded', 'username=%FF%FE&password=correct+horse'],
      ['application/x-www-form-urlencoded', ''],
    ];
    for (const [type, body] of bodies) {
      const response = await request('/signup', { method: 'POST', headers: { 'Content-Type': type }, body });
      await expectProblem(response, 400, 'invalid-request');
    }
  });

  it('answers 413 for a body over the limit, with or without Content-Length', async () => {
    const big = `username=${'a'.repeat(9000)}&password=${PASSWORD}`;
    const withLength = await request('/signup', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: big,
    });
    await expectProblem(withLength, 413, 'payload-too-large');
    const stream = new Blob([big]).stream();
    const chunked = await request('/signup', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: stream,
      // @ts-expect-error: workerd's RequestInit has no duplex, Node's needs it; harmless here.
      duplex: 'half',
    });
    await expectProblem(chunked, 413, 'payload-too-large');
  });

  it('answers 415 for other media types', async () => {
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/xml']) {
      await expectProblem(
        await request('/signup', { method: 'POST', headers: { 'Content-Type': type }, body: 'username=a' }),
        415,
        'unsupported-media-type',
      );
    }
    await expectProblem(
      await request('/signup', { method: 'POST', body: 'username=abcd&password=12345678' }),
      415,
      'unsupported-media-type',
    );
  });

  it('never reads credentials from the query string', async () => {
    const name = uniqueName();
    const response = await request(`/signup?username=${name}&password=${encodeURIComponent(PASSWORD)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    await expectProblem(response, 400, 'invalid-request');
  });
});

describe('POST /login', () => {
  it('returns the bare token as text/plain, with no-store', async () => {
    const name = uniqueName();
    await postCredentials('/signup', name, PASSWORD);
    const response = await postCredentials('/login', name, PASSWORD);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/plain/);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    const token = await response.text();
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const payload = payloadOf(token);
    expect(payload).toMatchObject({ username: name });
    expect(typeof payload.sub).toBe('string');
    expect(typeof payload.sid).toBe('string');
    expect(payload.exp).toBe((payload.iat as number) + 15 * 86400);
  });

  it('answers an OAuth 2 token response to Accept: application/json', async () => {
    const name = uniqueName();
    await postCredentials('/signup', name, PASSWORD);
    const response = await postCredentials('/login', name, PASSWORD, {
      json: true,
      accept: 'application/json',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 15 * 86400, username: name });
    expect((await getData(`Bearer ${body.access_token}`)).status).toBe(200);
  });

  it('logs in with any spelling of the name that has the same canonical form', async () => {
    await postCredentials('/signup', 'Jose\u0301 Test', PASSWORD);
    const response = await postCredentials('/login', '  JOSÉ TEST ', PASSWORD);
    expect(response.status).toBe(200);
    expect(payloadOf(await response.text()).username).toBe('José Test');
  });

  it('upgrades a hash made with other parameters on the next successful log-in', async () => {
    const name = uniqueName('rehash');
    const older = { ...env, PBKDF2_ITERATIONS: '50000' } as Bindings;
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const body = new URLSearchParams({ username: name, password: PASSWORD }).toString();
    expect((await requestWith(older, '/signup', { method: 'POST', headers: form, body })).status).toBe(201);
    const stored = () =>
      env.DB.prepare('SELECT password_hash AS hash FROM users WHERE username_canonical = ?')
        .bind(name)
        .first('hash');
    expect(await stored()).toMatch(/^\$pbkdf2-sha256\$i=50000\$/);
    expect((await postCredentials('/login', name, PASSWORD)).status).toBe(200);
    expect(await stored()).toMatch(/^\$pbkdf2-sha256\$i=100000\$/);
    expect((await postCredentials('/login', name, PASSWORD)).status).toBe(200);
  });

  it('answers unknown user and wrong password byte-identically', async () => {
    const { username } = await newAccount();
    const wrong = await postCredentials('/login', username, 'not the password');
    const unknown = await postCredentials('/login', uniqueName('ghost'), 'not the password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const comparable = (r: Response) => [...r.headers].filter(([name]) => name !== 'x-request-id');
    expect(comparable(unknown)).toEqual(comparable(wrong));
    expect(await unknown.text()).toBe(await wrong.text());
    expect(wrong.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
  });

  it('answers 400 for malformed requests', async () => {
    await expectProblem(
      await request('/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' }),
      400,
      'invalid-request',
    );
    await expectProblem(await postCredentials('/login', 'abc', PASSWORD), 400, 'invalid-request');
  });
});

describe('a body that is missing, empty or without a type', () => {
  const untyped = (text: string) => new TextEncoder().encode(text);

  it('is told which fields to send (400) or that Content-Type is missing (415)', async () => {
    const empty = await expectProblem(await request('/login', { method: 'POST' }), 400, 'invalid-request');
    expect(empty.detail).toBe(
      'The body is empty: send "username" and "password" as application/x-www-form-urlencoded or application/json.',
    );
    const { token } = await newAccount();
    const account = await request('/account', { method: 'DELETE', headers: { Authorization: token } });
    expect((await expectProblem(account, 400, 'invalid-request')).detail).toMatch(
      /^The body is empty: send "password" as /,
    );
    const json = await request('/signup', {
      method: 'POST',
      body: untyped(JSON.stringify({ username: uniqueName(), password: PASSWORD })),
    });
    expect((await expectProblem(json, 415, 'unsupported-media-type')).detail).toMatch(
      /^The Content-Type header is missing/,
    );
  });

  it("is told that JSON sent with curl -d's form type needs Content-Type: application/json", async () => {
    const response = await request('/signup', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: JSON.stringify({ username: uniqueName(), password: PASSWORD }),
    });
    expect((await expectProblem(response, 415, 'unsupported-media-type')).detail).toMatch(/looks like JSON/);
  });
});

describe('GET /data', () => {
  it('answers a valid token with the data, raw or Bearer, text or JSON', async () => {
    const { username, token } = await newAccount();
    for (const authorization of [token, `Bearer ${token}`, `bearer ${token}`, `BEARER  ${token} `]) {
      const response = await getData(authorization);
      expect(response.status, authorization.slice(0, 8)).toBe(200);
      expect(await response.text()).toMatch(/secret data/);
    }
    const json = await getData(token, 'application/json');
    expect(json.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(await json.json()).toMatchObject({ username, data: expect.stringMatching(/secret data/) });
  });

  it('answers every kind of bad token with the same 401 and WWW-Authenticate: Bearer', async () => {
    const { token } = await newAccount();
    const bad = [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      `Token ${token}`,
      token.slice(0, -1),
      `${token}x`,
      `Bearer ${token} extra`,
      'a.b.c',
    ];
    const bodies = new Set<string>();
    for (const authorization of bad) {
      const response = await getData(authorization);
      expect(response.status, String(authorization)).toBe(401);
      expect(response.headers.get('WWW-Authenticate')).toBe('Bearer realm="gatehouse"');
      bodies.add(await response.text());
    }
    expect(bodies.size).toBe(1);
  });

  it('refuses a validly signed token whose session does not exist', async () => {
    const { token } = await newAccount();
    await env.DB.prepare('DELETE FROM sessions WHERE id = ?').bind(payloadOf(token).sid).run();
    await expectProblem(await getData(token), 401, 'invalid-token');
  });

  it('refuses a token whose session was revoked, at once', async () => {
    const { token } = await newAccount();
    expect((await getData(token)).status).toBe(200);
    // Through the API, so the Worker knows (revocations made elsewhere: session-check.test.ts).
    const logout = await request('/logout', { method: 'POST', headers: { Authorization: token } });
    expect(logout.status).toBe(204);
    await expectProblem(await getData(token), 401, 'invalid-token');
  });

  it('never accepts a token from the query string or a cookie', async () => {
    const { token } = await newAccount();
    expect((await request(`/data?token=${token}&access_token=${token}`)).status).toBe(401);
    expect((await request('/data', { headers: { Cookie: `token=${token}` } })).status).toBe(401);
  });
});

describe('routing and hardening', () => {
  it('answers other methods with 405 and Allow, unknown paths with 404', async () => {
    for (const [method, path] of [
      ['GET', '/signup'],
      ['PUT', '/login'],
      ['DELETE', '/data'],
      ['POST', '/data'],
      ['PATCH', '/signup'],
    ] as const) {
      const response = await request(path, { method });
      await expectProblem(response, 405, 'method-not-allowed');
      expect(response.headers.get('Allow')).toBeTruthy();
    }
    // Authenticated routes too: the method is wrong whatever the token.
    for (const [method, path] of [
      ['PUT', '/sessions'],
      ['GET', '/logout'],
      ['PATCH', '/account'],
      ['GET', '/refresh'],
    ] as const) {
      await expectProblem(await request(path, { method }), 405, 'method-not-allowed');
    }
    expect((await request('/sessions', { method: 'OPTIONS' })).status).toBe(204);
    await expectProblem(await request('/data/extra'), 404, 'not-found');
    await expectProblem(await request('/problems'), 404, 'not-found');
  });

  it("answers the API's paths in another letter case or with a trailing slash with a 404 naming the real one", async () => {
    const { token } = await newAccount();
    const variants: [string, string, string][] = [
      ['GET', '/data/', '/data'],
      ['GET', '/DATA', '/data'],
      ['GET', '/Data//', '/data'],
      ['POST', '/login/', '/login'],
      ['POST', '/LOGIN', '/login'],
      ['POST', '/SignUp/', '/signup'],
      ['GET', '/Sessions', '/sessions'],
      ['DELETE', '/ACCOUNT', '/account'],
    ];
    for (const [method, path, canonical] of variants) {
      const response = await request(path, { method, headers: { Authorization: token } });
      const body = await expectProblem(response, 404, 'not-found');
      expect(body.detail, `${method} ${path}`).toBe(
        `Paths are exact: lowercase, no trailing slash. Did you mean ${canonical}?`,
      );
    }
    // Deeper paths under the API's names are the API's too, never the app's page.
    for (const path of ['/data/extra', '/SESSIONS/x/y', '//data', '/%64ata/', '/problems']) {
      await expectProblem(await request(path, { headers: { Authorization: token } }), 404, 'not-found');
    }
  });

  it("hands every other path to the PWA's static files", async () => {
    // Answered by the static-assets binding (the app's page once pwa/dist is built, else a bare 404),
    // never by the API, whose every response has an X-Request-Id.
    for (const path of ['/nope', '/some/page', '/datax', '/login.html', '/favicon.ico']) {
      const response = await request(path, { headers: { 'Sec-Fetch-Mode': 'navigate' } });
      expect(response.headers.get('X-Request-Id'), path).toBeNull();
      expect(response.headers.get('Content-Type') ?? '', path).not.toMatch(/problem/);
    }
  });

  it("describes every problem type at its own address, the problem's type URI", async () => {
    for (const [type, { status, title, description }] of Object.entries(PROBLEMS)) {
      const response = await request(problemTypeUri(type as keyof typeof PROBLEMS));
      expect(response.status, type).toBe(200);
      expect(response.headers.get('Content-Type')).toMatch(/^text\/plain/);
      expect(await response.text()).toBe(`/problems/${type}\n${status} ${title}\n\n${description}\n`);
    }
    // The address a real problem names answers.
    const problem = await expectProblem(await request('/data'), 401, 'invalid-token');
    expect((await request(problem.type)).status).toBe(200);
    for (const unknown of ['/problems/nope', '/problems/constructor', '/problems/__proto__', '/problems/']) {
      await expectProblem(await request(unknown), 404, 'not-found');
    }
    await expectProblem(await request('/problems/not-found', { method: 'POST' }), 405, 'method-not-allowed');
  });

  it('answers HEAD /data like GET without a body, and OPTIONS with Allow', async () => {
    const { token } = await newAccount();
    const head = await request('/data', { method: 'HEAD', headers: { Authorization: token } });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const options = await request('/login', { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('Allow')).toContain('POST');
    // No body, so nothing says what a body would be.
    expect(options.headers.get('Content-Type')).toBeNull();
    expect(await options.text()).toBe('');
  });

  it('sends security headers and no framework banner', async () => {
    const response = await request('/data');
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('Referrer-Policy')).toBe('no-referrer');
    expect(response.headers.get('Content-Security-Policy')).toContain("default-src 'none'");
    expect(response.headers.get('X-Powered-By')).toBeNull();
  });

  it('sends Strict-Transport-Security over HTTPS only', async () => {
    expect((await request('/data')).headers.get('Strict-Transport-Security')).toMatch(/max-age=\d+/);
    const plain = await requestWith(env as Bindings, 'http://127.0.0.1:8787/data');
    expect(plain.headers.get('Strict-Transport-Security')).toBeNull();
  });

  it('allows cross-origin calls only from listed origins, never with a wildcard or null', async () => {
    const bindings = { ...env, CORS_ORIGINS: 'https://app.example' } as Bindings;
    const preflight = (origin: string) =>
      requestWith(bindings, '/data', {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'authorization',
        },
      });
    const listed = await preflight('https://app.example');
    expect(listed.headers.get('Access-Control-Allow-Origin')).toBe('https://app.example');
    expect(listed.headers.get('Access-Control-Allow-Headers')).toMatch(/Authorization/i);
    expect(listed.headers.get('Access-Control-Allow-Credentials')).toBeNull();
    for (const origin of ['https://evil.example', 'null', 'https://app.example.evil.example']) {
      expect((await preflight(origin)).headers.get('Access-Control-Allow-Origin'), origin).toBeNull();
    }
    // By default no origin is listed: same-origin only.
    const sameOriginOnly = await request('/data', { headers: { Origin: 'https://app.example' } });
    expect(sameOriginOnly.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('refuses a wildcard or null in CORS_ORIGINS with 503 rather than opening the API', async () => {
    for (const origins of ['*', 'null', 'https://*.example']) {
      const response = await requestWith({ ...env, CORS_ORIGINS: origins } as Bindings, '/data');
      expect(response.status, origins).toBe(503);
    }
    const logged = takeLogs({ event: 'config_invalid' });
    expect(logged.map((line) => line.message)).toEqual(
      Array(3).fill(expect.stringMatching(/^CORS_ORIGINS /)),
    );
    expect(takeLogs({ event: 'request', status: 503 })).toHaveLength(3);
  });

  it('answers 503 with a clear problem when JWT_SECRET is missing or weak, never crashing', async () => {
    for (const secret of [undefined, 'too-short']) {
      const response = await requestWith({ ...env, JWT_SECRET: secret } as Bindings, '/login', {
        method: 'POST',
      });
      const problem = await expectProblem(response, 503, 'service-unavailable');
      expect(JSON.stringify(problem)).not.toContain('too-short');
    }
    // The log names the setting and how to fix it, never its value.
    const logged = takeLogs({ event: 'config_invalid' }).map((line) => String(line.message));
    expect(logged).toEqual([
      expect.stringMatching(/^JWT_SECRET is not set: make one with `openssl rand -base64 32`/),
      expect.stringMatching(/^every JWT_SECRET must be at least 32 bytes/),
    ]);
    expect(logged.join('\n')).not.toContain('too-short');
    expect(takeLogs({ event: 'request', status: 503 })).toHaveLength(2);
  });
});
