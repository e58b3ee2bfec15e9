import { describe, expect, it } from 'vitest';
import { derSignature } from '../../test/worker/authenticator';
import { ecdsaDerToRaw } from './ecdsa-signature';

const bytes = (...values: number[]) => new Uint8Array(values);
const filled = (length: number, value: number) => new Uint8Array(length).fill(value);
const join = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((part) => [...part]));
/** A DER INTEGER of exactly these bytes, and a SEQUENCE of two. */
const integer = (value: Uint8Array) => join(bytes(0x02, value.length), value);
const sequence = (r: Uint8Array, s: Uint8Array) => {
  const body = join(integer(r), integer(s));
  return join(bytes(0x30, body.length), body);
};

describe('ecdsaDerToRaw', () => {
  it('gives back the r‖s Web Crypto signed, for many P-256 signatures', async () => {
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    for (let i = 0; i < 64; i++) {
      const data = crypto.getRandomValues(new Uint8Array(40));
      const raw = new Uint8Array(
        await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, data),
      );
      expect(ecdsaDerToRaw(derSignature(raw), 32)).toEqual(raw);
    }
  });

  it('pads values DER wrote short (leading zero bytes dropped) back to 32 bytes', () => {
    const r = join(bytes(0, 0, 0x01), filled(29, 0x22));
    const s = join(bytes(0), filled(31, 0x33));
    const der = sequence(r.subarray(2), s.subarray(1));
    expect(der.length).toBe(2 + 2 + 30 + 2 + 31);
    expect(ecdsaDerToRaw(der, 32)).toEqual(join(r, s));
  });

  it('reads the shortest values: r = 1, s = 2', () => {
    expect(ecdsaDerToRaw(bytes(0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02), 32)).toEqual(
      join(filled(31, 0), bytes(1), filled(31, 0), bytes(2)),
    );
  });

  it('drops the zero byte DER puts before a value whose top bit is set', () => {
    const r = filled(32, 0xff);
    const s = join(bytes(0x80), filled(31, 0x01));
    expect(ecdsaDerToRaw(sequence(join(bytes(0), r), join(bytes(0), s)), 32)).toEqual(join(r, s));
  });

  it('reads the long-form length of a P-521 signature (66-byte values)', () => {
    const r = join(bytes(0x01), filled(65, 0xab));
    const s = join(bytes(0x00, 0x01), filled(64, 0xcd));
    const body = join(integer(r), integer(s.subarray(1)));
    const der = join(bytes(0x30, 0x81, body.length), body);
    expect(ecdsaDerToRaw(der, 66)).toEqual(join(r, s));
  });

  it('refuses what is not one SEQUENCE of two INTEGERs that fit', () => {
    const r = filled(32, 0x11);
    const good = sequence(r, r);
    const refused: [string, Uint8Array][] = [
      ['empty', bytes()],
      ['not a SEQUENCE', join(bytes(0x31), good.subarray(1))],
      ['a byte after it', join(good, bytes(0))],
      ['truncated', good.subarray(0, good.length - 1)],
      ['its length past the end', join(bytes(0x30, 0x7f), good.subarray(2))],
      ['an OCTET STRING for r', join(bytes(0x30, good[1] as number, 0x04), good.subarray(3))],
      ['one INTEGER', join(bytes(0x30, 34), integer(r))],
      ['three INTEGERs', join(bytes(0x30, 102), integer(r), integer(r), integer(r))],
      ['r of 33 bytes without its top bit set', sequence(join(bytes(0), bytes(0x7f), filled(31, 1)), r)],
      ['r of 33 bytes not led by zero', sequence(filled(33, 0x80), r)],
      ['r of 34 bytes', sequence(join(bytes(0, 0), filled(32, 0x80)), r)],
      ['an empty r', sequence(bytes(), r)],
      ['a long form for a short length', join(bytes(0x30, 0x81, 68), good.subarray(2))],
      ['a two-byte long form', join(bytes(0x30, 0x82, 0, 68), good.subarray(2))],
    ];
    for (const [name, der] of refused) expect(ecdsaDerToRaw(der, 32), name).toBeNull();
  });
});
