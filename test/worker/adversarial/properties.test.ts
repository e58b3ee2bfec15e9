// Property-based tests (fast-check): the token parser never throws and never accepts a token not
// signed with our secret; the body parser throws nothing but ProblemError and round-trips any text.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAccessToken, tokenFromAuthorization } from '../../../worker/auth/access-token';
import { decodeBase64url, encodeBase64url } from '../../../worker/auth/base64url';
import { MAX_TOKEN_LENGTH, signJwt, verifyJwt } from '../../../worker/auth/jwt';
import { type Bindings, loadSettings, type Settings } from '../../../worker/config';
import { parseForm, parseJsonObject, readStringFields } from '../../../worker/http/body';
import { ProblemError } from '../../../worker/http/problem';
import { takeLogs } from '../logs';
import { b64, forge, getData, postForm, postJson, send, utf8 } from './harness';

const SECRET = 'adversarial-property-secret-0123456789-abcdefghijkl';
const RUNS = 300;
const now = Math.floor(Date.now() / 1000);

let settings: Settings;
let valid: string;
let other: string;
const verify = (token: string) =>
  verifyJwt(token, settings.keyring, {
    now,
    leeway: settings.leewaySeconds,
    issuer: settings.issuer,
    audience: settings.audience,
  });

beforeAll(async () => {
  const result = await loadSettings({ ...env, JWT_SECRET: SECRET } as unknown as Bindings);
  if (!result.ok) throw new Error(result.error);
  settings = result.settings;
  const claims = { username: 'alice', sub: 'user-1', sid: 'session-1', iat: now, exp: now + 3600 };
  valid = await signJwt(claims, settings.keyring);
  other = await signJwt({ ...claims, username: 'bob', sub: 'user-2', sid: 'session-2' }, settings.keyring);
  expect(await verify(valid)).not.toBeNull();
  expect(await readAccessToken(valid, settings, now)).not.toBeNull();
});

/** Neither layer accepts it, and neither throws. */
async function refusedEverywhere(token: string): Promise<boolean> {
  return (await verify(token)) === null && (await readAccessToken(token, settings, now)) === null;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const base64urlChar = fc.constantFrom(...BASE64URL);
const base64urlText = (maxLength = 120) => fc.string({ unit: base64urlChar, maxLength });
/** Any string, including lone surrogates and every kind of character. */
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
);

describe('token parser properties', () => {
  it('refuses arbitrary strings without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(anyString, async (text) => {
        tokenFromAuthorization(text);
        return refusedEverywhere(text);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses arbitrary three-segment base64url strings, also under our own header', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        base64urlText(),
        base64urlText(400),
        base64urlText(60),
        async (ours, h, p, s) => {
          const token = `${ours ? settings.keyring.current.header : h}.${p}.${s}`;
          return refusedEverywhere(token);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('refuses every mutation of a valid token: bit flips, edits, truncations, swaps and splices', async () => {
    type Mutation = (token: string) => string;
    const at = (token: string, index: number) => index % token.length;
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      fc.tuple(fc.nat(), fc.integer({ min: 0, max: 15 })).map(
        ([index, bit]): Mutation =>
          (t) => {
            const i = at(t, index);
            return `${t.slice(0, i)}${String.fromCharCode(t.charCodeAt(i) ^ (1 << bit))}${t.slice(i + 1)}`;
          },
      ),
      fc.nat().map(
        (index): Mutation =>
          (t) =>
            `${t.slice(0, at(t, index))}${t.slice(at(t, index) + 1)}`,
      ),
      fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 3 })).map(
        ([index, extra]): Mutation =>
          (t) =>
            `${t.slice(0, at(t, index))}${extra}${t.slice(at(t, index))}`,
      ),
      fc.nat().map(
        (length): Mutation =>
          (t) =>
            t.slice(0, at(t, length)),
      ),
      fc.nat().map(
        (length): Mutation =>
          (t) =>
            t.slice(at(t, length) + 1),
      ),
      fc
        .constantFrom<[number, number, number]>(
          [0, 2, 1],
          [1, 0, 2],
          [1, 2, 0],
          [2, 0, 1],
          [2, 1, 0],
          [0, 0, 2],
          [0, 1, 1],
        )
        .map(
          (order): Mutation =>
            (t) => {
              const parts = t.split('.');
              return order.map((i) => parts[i]).join('.');
            },
        ),
      fc.nat({ max: 2 }).map(
        (segment): Mutation =>
          (t) => {
            const parts = t.split('.');
            parts[segment] = other.split('.')[segment] as string;
            return parts.join('.');
          },
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const mutated = mutations.reduce((token, mutate) => mutate(token), valid);
        fc.pre(mutated !== valid && mutated !== other);
        return refusedEverywhere(mutated);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses tokens signed with any other secret, under our header or their own', async () => {
    const secret = fc.oneof(fc.string({ minLength: 1, maxLength: 80 }), fc.stringMatching(/^[ -~]{32,64}$/));
    const claims = fc.record({
      username: fc.string(),
      sub: fc.string(),
      sid: fc.string(),
      exp: fc.integer({ min: now + 60, max: now + 10 ** 8 }),
    });
    await fc.assert(
      fc.asyncProperty(secret, claims, async (key, payload) => {
        // HMAC pads short keys with zero bytes: our secret followed by NULs is our secret.
        fc.pre(key.replace(/\0+$/, '') !== SECRET);
        const underOurHeader = await forge(settings.keyring.current.header, b64(payload), key);
        if (!(await refusedEverywhere(underOurHeader))) return false;
        const theirs = await keyringOf(key);
        return theirs === null || refusedEverywhere(await signJwt(payload, theirs));
      }),
      { numRuns: 150 },
    );
    // The weak secrets tried above are refused with a log line naming the setting, never its value.
    for (const line of takeLogs({ event: 'config_invalid' })) expect(line.message).toMatch(/JWT_SECRET/);
  });

  it('round-trips any JSON object with a valid exp through signJwt and verifyJwt, in pure ASCII', async () => {
    const extras = fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 });
    await fc.assert(
      fc.asyncProperty(extras, fc.string({ unit: 'binary', maxLength: 40 }), async (extra, name) => {
        const payload: Record<string, unknown> = {
          ...extra,
          username: name,
          sub: 'u',
          sid: 's',
          exp: now + 3600,
        };
        for (const claim of ['nbf', 'iat', 'iss', 'aud']) delete payload[claim];
        const token = await signJwt(payload, settings.keyring);
        // The tutorial client decodes the payload as ASCII, whatever it holds.
        expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
        const bytes = decodeBase64url(token.split('.')[1] as string) as Uint8Array;
        expect(bytes.every((byte) => byte < 0x80)).toBe(true);
        const expected = token.length > MAX_TOKEN_LENGTH ? null : JSON.parse(JSON.stringify(payload));
        expect(await verify(token)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('reads Authorization headers without throwing, and only as documented', () => {
    const tokenText = fc.string({ unit: fc.constantFrom(...BASE64URL, '.'), minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(anyString, (header) => {
        const token = tokenFromAuthorization(header);
        if (token === null) return true;
        return token !== '' && !token.includes(' ') && header.includes(token);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(
        tokenText,
        fc.constantFrom('Bearer', 'bearer', 'BEARER', 'bEaReR'),
        fc.nat({ max: 5 }),
        (t, scheme, spaces) => {
          expect(tokenFromAuthorization(t)).toBe(t);
          expect(tokenFromAuthorization(`${scheme}${' '.repeat(spaces + 1)}${t}`)).toBe(t);
          expect(tokenFromAuthorization(`${scheme} ${t} ${t}`)).toBeNull();
          expect(tokenFromAuthorization(`Basic ${t}`)).toBeNull();
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** The keyring the Worker would build from another secret (null when it refuses that secret). */
async function keyringOf(secret: string) {
  if (secret.includes(',')) return null;
  const result = await loadSettings({ ...env, JWT_SECRET: secret } as unknown as Bindings);
  return result.ok ? result.settings.keyring : null;
}

describe('base64url properties', () => {
  it('decodes what it encodes, and accepts exactly one spelling of any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(decodeBase64url(encodeBase64url(bytes))).toEqual(bytes);
      }),
      { numRuns: RUNS },
    );
    const almostBase64 = fc.string({
      unit: fc.constantFrom(...BASE64URL, '=', '+', '/', ' ', '.', '\u0660'),
      maxLength: 40,
    });
    fc.assert(
      fc.property(fc.oneof(almostBase64, base64urlText(40), anyString), (text) => {
        const bytes = decodeBase64url(text);
        return bytes === null || encodeBase64url(bytes) === text;
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The body parser.

function onlyProblems<T>(run: () => T): T | ProblemError {
  try {
    return run();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
}

async function onlyProblemsAsync<T>(run: () => Promise<T>): Promise<T | ProblemError> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
}

/** Strings a form body is made of: names, values and the metacharacters between them. */
const formish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '&',
        '=',
        '+',
        '%',
        '%2',
        '%25',
        '%26',
        '%3D',
        '%20',
        '%00',
        '%ED%A0%80',
        '%C3%A9',
        '%FF',
        'username',
        'password',
      ),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
    ),
    { maxLength: 20 },
  )
  .map((parts) => parts.join(''));

const wellFormed = fc
  .oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 }))
  .map((text) => text.toWellFormed());

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'APPLICATION/JSON',
  'application/json; charset=iso-8859-1',
  'text/plain',
  'multipart/form-data; boundary=x',
  '',
];

function post(body: BodyInit, contentType: string): Request {
  const headers: Record<string, string> = contentType === '' ? {} : { 'Content-Type': contentType };
  return new Request('https://gatehouse.test/signup', { method: 'POST', body, headers });
}

describe('body parser properties', () => {
  it('parseForm and parseJsonObject throw nothing but ProblemError on any text', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, formish, fc.json()), (text) => {
        const form = onlyProblems(() => parseForm(text));
        const json = onlyProblems(() => parseJsonObject(text));
        if (form instanceof Map) expect(new Set(form.keys()).size).toBe(form.size);
        return json instanceof ProblemError || json instanceof Map;
      }),
      { numRuns: 500 },
    );
  });

  it('parseJsonObject returns exactly the top-level members of any JSON object, however it is spaced', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 0, 2, '\t', '\r\n '), (value, space) => {
        const text =
          space === '\r\n '
            ? JSON.stringify(value, null, 1).replaceAll('\n', '\r\n ')
            : JSON.stringify(value, null, space);
        const result = onlyProblems(() => parseJsonObject(text));
        const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
        if (!isObject) return result instanceof ProblemError;
        expect(result).toBeInstanceOf(Map);
        expect([...(result as Map<string, unknown>)]).toEqual(Object.entries(JSON.parse(text) as object));
        return true;
      }),
      { numRuns: RUNS },
    );
  });

  it('readStringFields throws nothing but ProblemError on any bytes under any media type', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          anyString.map((text) => utf8.encode(text)),
          fc.json().map((text) => utf8.encode(text)),
          formish.map((text) => utf8.encode(text)),
        ),
        fc.constantFrom(...CONTENT_TYPES),
        async (bytes, type) => {
          const result = await onlyProblemsAsync(() =>
            readStringFields(post(bytes, type), ['username', 'password']),
          );
          if (!(result instanceof ProblemError)) {
            expect(typeof result.username).toBe('string');
            expect(typeof result.password).toBe('string');
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('round-trips any two well-formed strings through form (URLSearchParams and Dart) and JSON encodings', async () => {
    const dart = (text: string) => encodeURIComponent(text).replaceAll('%20', '+');
    await fc.assert(
      fc.asyncProperty(
        wellFormed,
        wellFormed,
        fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })),
        async (username, password, extra) => {
          delete extra.username;
          delete extra.password;
          const expected = { username, password };
          const bodies: [string, string][] = [
            [
              'application/x-www-form-urlencoded',
              new URLSearchParams({ ...extra, username, password }).toString(),
            ],
            [
              'application/x-www-form-urlencoded; charset=utf-8',
              `username=${dart(username)}&password=${dart(password)}`,
            ],
            ['application/json', JSON.stringify({ ...extra, username, password })],
            ['application/json', JSON.stringify({ password, username }, null, 2)],
          ];
          for (const [type, body] of bodies) {
            expect(await readStringFields(post(body, type), ['username', 'password']), body).toEqual(
              expected,
            );
          }
          const form = parseForm(new URLSearchParams({ username, password }).toString());
          expect(Object.fromEntries(form)).toEqual(expected);
          expect(Object.fromEntries(parseJsonObject(JSON.stringify(expected)))).toEqual(expected);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The same properties through the Worker: whatever arrives, the answer is safe (harness.ts).

describe('HTTP properties', () => {
  it('answers any Authorization header on /data with the one 401', async () => {
    const refusal = (await getData()).text;
    const printable = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 200,
    });
    await fc.assert(
      fc.asyncProperty(printable, async (value) => {
        const response = await getData(value);
        expect(response.status).toBe(401);
        expect(response.text).toBe(refusal);
      }),
      { numRuns: 200 },
    );
  });

  it('answers any body on /signup and /login safely, with a 4xx problem or a success', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          formish,
          fc.json(),
          anyString.filter((text) => text.isWellFormed()),
        ),
        fc.constantFrom('/signup', '/login'),
        fc.boolean(),
        async (body, path, json) => {
          const response = json ? await postJson(path, body) : await postForm(path, body);
          expect([200, 201, 400, 401, 409, 413, 415]).toContain(response.status);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers any method-less path safely', async () => {
    const segment = fc.oneof(
      fc.constantFrom('data', 'signup', 'login', '..', '.', '%2e', '%2F', '%00', '%', 'DATA', ''),
      fc.string({
        unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz%0123456789-._~;:@!$&'()*+,="),
        maxLength: 8,
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 5 }), async (segments) => {
        const response = await send(`/${segments.join('/')}`);
        expect(response.status).toBeLessThan(500);
        expect(response.status).not.toBe(200);
      }),
      { numRuns: 150 },
    );
  });
});
