import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_SECRET_BITS, secretBits } from './secret-entropy';

const random = (bytes: number) => crypto.getRandomValues(new Uint8Array(bytes));
const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

describe('secretBits', () => {
  it('refuses long but low-entropy secrets', () => {
    for (const weak of [
      'abcdefghabcdefghabcdefghabcdefgh', // 32 bytes, one 8-letter block
      'abcdefghabcdefghabcdefghabcdefghabcdefghabcdefghabc', // base64url alphabet, still that block
      'a'.repeat(64),
      'ab'.repeat(40),
      `${'a'.repeat(60)}b`,
      'correcthorsebatterystaple', // short
      'replace-with-at-least-32-random-bytes',
      '0123456789abcdef0123456789abcdef', // 32 hex characters: 128 bits
    ]) {
      expect(secretBits(weak), weak).toBeLessThan(MIN_SECRET_BITS);
    }
  });

  it('accepts 32 random bytes as base64url (the documented generator) and as hex', () => {
    expect(secretBits(base64url(random(32)))).toBeGreaterThanOrEqual(MIN_SECRET_BITS);
    expect(secretBits(hex(random(32)))).toBeGreaterThanOrEqual(MIN_SECRET_BITS);
  });

  it('(property) every 32-byte random secret in base64url, base64 or hex passes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 48 }), (bytes) => {
        const b64 = Buffer.from(bytes).toString('base64');
        for (const secret of [
          Buffer.from(bytes).toString('base64url'),
          b64,
          Buffer.from(bytes).toString('hex'),
        ]) {
          expect(secretBits(secret), secret).toBeGreaterThanOrEqual(MIN_SECRET_BITS);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('(property) a repeated block counts once', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 8 }),
        fc.integer({ min: 2, max: 20 }),
        (block, times) => {
          expect(secretBits(block.repeat(times))).toBeLessThanOrEqual(secretBits(block) + 1e-9);
        },
      ),
    );
  });
});
