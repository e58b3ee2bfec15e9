// The JWT micro-benchmark inside workerd, the runtime Gatehouse runs in: `/?case=<name>&n=<count>`
// runs one case n times in a row and answers when done; the caller times the request from outside
// (workerd's clocks do not advance during computation) and subtracts an `n=0` request.
// Gatehouse's module, `hono/jwt` with its defaults and `jose` with a cached CryptoKey, as in probes/jwt-node.mjs.
import { sign as honoSign, verify as honoVerify } from 'hono/jwt';
import { jwtVerify, SignJWT } from 'jose';
import { createKeyring, signJwt, verifyJwt } from '../../worker/auth/jwt';

type Case = () => Promise<unknown>;
let cases: Promise<Record<string, Case>> | undefined;

async function prepare(secret: string): Promise<Record<string, Case>> {
  const keyring = await createKeyring([secret]);
  const joseKey = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    username: 'benchuser',
    sub: crypto.randomUUID(),
    sid: 'c2Vzc2lvbi1pZC0xMjM0NQ',
    jti: 'dG9rZW4taWQtMTIzNDU2Nw',
    iat: now,
    exp: now + 15 * 24 * 3600,
  };
  const ours = await signJwt(claims, keyring);
  const hono = await honoSign(claims, secret, 'HS256');
  const jose = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(joseKey);
  const lastDot = jose.lastIndexOf('.');
  const floorInput = new TextEncoder().encode(jose.slice(0, lastDot));
  const floorSignature = new Uint8Array(await crypto.subtle.sign('HMAC', joseKey, floorInput));
  const all: Record<string, Case> = {
    'sign gatehouse': () => signJwt(claims, keyring),
    'verify gatehouse': () => verifyJwt(ours, keyring, { now: Math.floor(Date.now() / 1000), leeway: 30 }),
    'sign hono/jwt': () => honoSign(claims, secret, 'HS256'),
    'verify hono/jwt': () => honoVerify(hono, secret, 'HS256'),
    'sign jose': () => new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(joseKey),
    'verify jose': async () => (await jwtVerify(jose, joseKey, { algorithms: ['HS256'] })).payload,
    // The one Web Crypto call any HS256 verification must make, with a cached key: the floor.
    'sign webcrypto-floor': () => crypto.subtle.sign('HMAC', joseKey, floorInput),
    'verify webcrypto-floor': () => crypto.subtle.verify('HMAC', joseKey, floorSignature, floorInput),
  };
  for (const [name, run] of Object.entries(all)) {
    if (!(await run())) throw new Error(`${name} failed`);
  }
  return all;
}

export default {
  async fetch(request: Request, env: { JWT_SECRET: string }): Promise<Response> {
    cases ??= prepare(env.JWT_SECRET);
    const all = await cases;
    const url = new URL(request.url);
    const count = Number(url.searchParams.get('n') ?? '0');
    const run = all[url.searchParams.get('case') ?? ''];
    if (count > 0 && run === undefined) return new Response('unknown case', { status: 404 });
    for (let i = 0; i < count; i++) {
      if (!(await run?.())) return new Response('case failed', { status: 500 });
    }
    return new Response(Object.keys(all).join('\n'));
  },
};
