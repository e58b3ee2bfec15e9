// JWT sign and verify, ops/s, in one Node process: Gatehouse's worker/auth/jwt.ts (bundled to JS by
// bench/build.mjs and passed as the first argument) against `hono/jwt`'s sign/verify with its defaults,
// `jose` with a CryptoKey imported once, and `jsonwebtoken`. Every library signs and verifies the same
// claims as a Gatehouse access token. Prints `JWT_JSON <json>`.
import { randomBytes, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { sign as honoSign, verify as honoVerify } from 'hono/jwt';
import { jwtVerify, SignJWT } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { measure } from 'mitata';

const ours = await import(pathToFileURL(process.argv[2]).href);
const secret = randomBytes(32).toString('base64url');
const secretBytes = new TextEncoder().encode(secret);
const now = Math.floor(Date.now() / 1000);
const claims = {
  username: 'benchuser',
  sub: randomUUID(),
  sid: randomBytes(16).toString('base64url'),
  jti: randomBytes(16).toString('base64url'),
  iat: now,
  exp: now + 15 * 24 * 3600,
};

const keyring = await ours.createKeyring([secret]);
const joseKey = await crypto.subtle.importKey('raw', secretBytes, { name: 'HMAC', hash: 'SHA-256' }, false, [
  'sign',
  'verify',
]);

const libraries = {
  gatehouse: {
    sign: () => ours.signJwt(claims, keyring),
    verify: (token) => ours.verifyJwt(token, keyring, { now: Math.floor(Date.now() / 1000), leeway: 30 }),
  },
  'hono/jwt': {
    sign: () => honoSign(claims, secret, 'HS256'),
    verify: (token) => honoVerify(token, secret, 'HS256'),
  },
  jose: {
    sign: () => new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(joseKey),
    verify: async (token) => (await jwtVerify(token, joseKey, { algorithms: ['HS256'] })).payload,
  },
  jsonwebtoken: {
    sign: () => jsonwebtoken.sign(claims, secret, { algorithm: 'HS256' }),
    verify: (token) => jsonwebtoken.verify(token, secret, { algorithms: ['HS256'] }),
  },
};

// Each library verifies its own token once before timing, so a broken adapter fails loudly.
const tokens = {};
for (const [name, library] of Object.entries(libraries)) {
  tokens[name] = await library.sign();
  const payload = await library.verify(tokens[name]);
  if (payload?.sid !== claims.sid) throw new Error(`${name}: its own token did not verify`);
}

// Not a library: the single Web Crypto call (cached key, same bytes) that any HS256 verification on
// Web Crypto must make, as the floor the others are measured against.
const lastDot = tokens.jose.lastIndexOf('.');
const floorInput = new TextEncoder().encode(tokens.jose.slice(0, lastDot));
const floorSignature = Buffer.from(tokens.jose.slice(lastDot + 1), 'base64url');
libraries['webcrypto-floor'] = {
  sign: () => crypto.subtle.sign('HMAC', joseKey, floorInput),
  verify: () => crypto.subtle.verify('HMAC', joseKey, floorSignature, floorInput),
};
if (!(await libraries['webcrypto-floor'].verify())) throw new Error('the Web Crypto floor did not verify');
tokens['webcrypto-floor'] = tokens.jose;

// Many short rounds, the measurements taking turns in a rotating order, so that a burst of load
// from elsewhere on the machine lands on all of them alike. Each figure is the median over rounds of
// the median time per call in a round.
const rounds = Math.max(1, Number(process.argv[3] ?? 12));
const cases = Object.entries(libraries).flatMap(([name, library]) => [
  { alias: `sign ${name}`, run: () => library.sign() },
  { alias: `verify ${name}`, run: () => library.verify(tokens[name]) },
]);
/** @type {Record<string, number[]>} */
const samples = Object.fromEntries(cases.map(({ alias }) => [alias, []]));
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < cases.length; i++) {
    const { alias, run } = cases[(i + round) % cases.length];
    const stats = await measure(run, { min_cpu_time: 100e6, min_samples: 8, batch_samples: 128 });
    samples[alias].push(stats.p50);
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const result = {};
for (const [alias, p50s] of Object.entries(samples)) {
  const [operation, name] = alias.split(' ');
  const ns = median(p50s);
  result[name] ??= {};
  result[name][operation] = { opsPerSecond: 1e9 / ns, medianNs: ns, roundsNs: p50s.map(Math.round) };
}
process.stdout.write(`JWT_JSON ${JSON.stringify(result)}\n`);
