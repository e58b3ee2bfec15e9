import { describe, expect, it } from 'vitest';
import {
  assertIterations,
  constantTimeEqual,
  dummyHash,
  hashPassword,
  MAX_PBKDF2_ITERATIONS,
  verifyPassword,
} from './password';

const FAST = 10_000;

describe('password hashing', () => {
  it('stores algorithm, iterations, a 16-byte salt and a 32-byte hash in one string', async () => {
    const stored = await hashPassword('correct horse battery staple', FAST);
    expect(stored).toMatch(/^\$pbkdf2-sha256\$i=10000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password', FAST)).not.toBe(await hashPassword('same password', FAST));
  });

  it('accepts the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('pässwörd ✓ long enough', FAST);
    expect(await verifyPassword('pässwörd ✓ long enough', stored, FAST)).toEqual({
      ok: true,
      needsRehash: false,
    });
    expect((await verifyPassword('pässwörd ✓ long enough ', stored, FAST)).ok).toBe(false);
    expect((await verifyPassword('', stored, FAST)).ok).toBe(false);
  });

  it('does not truncate long passwords', async () => {
    const long = 'a'.repeat(1000);
    const stored = await hashPassword(long, FAST);
    expect((await verifyPassword(`${long.slice(0, 999)}b`, stored, FAST)).ok).toBe(false);
  });

  it('asks for a rehash when the configured cost changed, only after a correct password', async () => {
    const stored = await hashPassword('old parameters', FAST);
    expect(await verifyPassword('old parameters', stored, 20_000)).toEqual({ ok: true, needsRehash: true });
    expect(await verifyPassword('wrong', stored, 20_000)).toEqual({ ok: false, needsRehash: false });
  });

  it(`refuses more than ${MAX_PBKDF2_ITERATIONS} iterations (production Workers reject them)`, async () => {
    expect(() => assertIterations(MAX_PBKDF2_ITERATIONS + 1)).toThrow(RangeError);
    expect(() => assertIterations(MAX_PBKDF2_ITERATIONS)).not.toThrow();
    await expect(hashPassword('x', MAX_PBKDF2_ITERATIONS + 1)).rejects.toThrow(RangeError);
    // A stored hash above the limit cannot be verified in production, so it never matches.
    const over = (await hashPassword('pw', FAST)).replace('i=10000', 'i=100001');
    expect((await verifyPassword('pw', over, FAST)).ok).toBe(false);
  });

  it('never matches the dummy hash or an unreadable stored hash', async () => {
    expect((await verifyPassword('anything', dummyHash(FAST), FAST)).ok).toBe(false);
    for (const stored of [
      '',
      'plain',
      '$pbkdf2-sha256$i=abc$x$y',
      '$pbkdf2-sha256$i=10000$$',
      '$argon2id$v=19$m=1$x$y',
    ]) {
      expect((await verifyPassword('anything', stored, FAST)).ok, stored).toBe(false);
    }
  });

  it('does the same derivation for the dummy hash as for a real one', async () => {
    const real = await hashPassword('whatever', FAST);
    const dummy = dummyHash(FAST);
    const cost = (stored: string) => stored.split('$')[2];
    expect(cost(dummy)).toBe(cost(real));
    expect(dummy.length).toBe(real.length);
  });

  it('compares byte arrays fully', () => {
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).toBe(false);
  });
});
