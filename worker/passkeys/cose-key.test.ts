import { describe, expect, it } from 'vitest';
import { type Algorithm, cbor, coseKeyOf, generateKeyPair, signAs } from '../../test/worker/authenticator';
import { coseAlgorithm, decodeCoseKey, verifyCoseSignature } from './cose-key';

const ALGORITHMS: [string, Algorithm][] = [
  ['ES256', -7],
  ['RS256', -257],
  ['EdDSA (Ed25519)', -8],
];

async function keyOf(alg: Algorithm) {
  const keys = await generateKeyPair(alg);
  const bytes = await coseKeyOf(alg, keys.publicKey);
  const decoded = decodeCoseKey(bytes);
  if (decoded === null) throw new Error('the COSE key did not decode');
  return { keys, bytes, key: decoded.key, size: decoded.size };
}

describe('COSE keys', () => {
  for (const [name, alg] of ALGORITHMS) {
    it(`${name}: verifies its own signature, and not another key's, other data or a changed signature`, async () => {
      const { keys, bytes, key, size } = await keyOf(alg);
      expect(size).toBe(bytes.length);
      expect(coseAlgorithm(key)).toBe(alg);
      const data = crypto.getRandomValues(new Uint8Array(69));
      const signature = await signAs(alg, keys.privateKey, data);
      expect(await verifyCoseSignature(key, signature, data)).toBe(true);

      const other = data.slice();
      other[40] = (other[40] as number) ^ 1;
      expect(await verifyCoseSignature(key, signature, other)).toBe(false);
      const stranger = await keyOf(alg);
      expect(await verifyCoseSignature(stranger.key, signature, data)).toBe(false);
      // The last byte: inside s for ES256 (so the DER stays well-formed), anywhere for the others.
      const changed = signature.slice();
      changed[changed.length - 1] = (changed[changed.length - 1] as number) ^ 1;
      expect(await verifyCoseSignature(key, changed, data)).toBe(false);
    });
  }

  it('decodes only the key at the start of its bytes, and says how long it is', async () => {
    const { bytes } = await keyOf(-7);
    const decoded = decodeCoseKey(new Uint8Array([...bytes, 0xa0, 0x01]));
    expect(decoded?.size).toBe(bytes.length);
    expect(decodeCoseKey(cbor(5))).toBeNull();
    expect(decodeCoseKey(cbor([1, 2]))).toBeNull();
    expect(decodeCoseKey(bytes.subarray(0, bytes.length - 1))).toBeNull();
  });

  it('refuses keys it cannot verify with: unknown type, curve or algorithm, or an ECDSA signature that is not DER', async () => {
    const { keys, key } = await keyOf(-7);
    const data = new Uint8Array(37);
    const signature = await signAs(-7, keys.privateKey, data);
    const variants: Record<string, unknown>[] = [
      { ...key, '1': 4 },
      { ...key, '-1': 6 },
      { ...key, '3': -35 },
      { ...key, '3': undefined },
      { ...key, '-2': 'x' },
    ];
    for (const variant of variants) {
      await expect(verifyCoseSignature(variant, signature, data)).rejects.toThrow();
    }
    await expect(verifyCoseSignature(key, signature.subarray(1), data)).rejects.toThrow();
    const rsa = await keyOf(-257);
    await expect(verifyCoseSignature({ ...rsa.key, '3': -7 }, signature, data)).rejects.toThrow();
    const ed = await keyOf(-8);
    await expect(verifyCoseSignature({ ...ed.key, '-1': 1 }, signature, data)).rejects.toThrow();
  });
});
