// A passkey's public key, as the authenticator gave it: a COSE_Key (RFC 9052 §7, RFC 9053), stored in
// its CBOR bytes (worker/db/schema.ts). Signatures are checked with Web Crypto, by key type as WebAuthn
// Level 3 §6.5.5 and §6.5.1.1 describe: EC2 (ECDSA over P-256, P-384 or P-521, the hash named by the
// algorithm), RSA (RSASSA-PKCS1-v1_5 with SHA-256) and OKP (Ed25519). Registration only accepts the
// algorithms ES256, RS256 and EdDSA (worker/passkeys/webauthn.ts).
import { decodeCBORToNativeValue } from '@oslojs/cbor';
import { encodeBase64url } from '../auth/base64url';
import { ecdsaDerToRaw } from './ecdsa-signature';

export const COSE_ES256 = -7;
export const COSE_RS256 = -257;
export const COSE_EDDSA = -8;

const KTY_OKP = 1;
const KTY_EC2 = 2;
const KTY_RSA = 3;

/** COSE curve → Web Crypto's name and the size of its scalars (RFC 9053 §7.1). */
const EC2_CURVES: Record<number, { name: string; size: number }> = {
  1: { name: 'P-256', size: 32 },
  2: { name: 'P-384', size: 48 },
  3: { name: 'P-521', size: 66 },
};
const CURVE_ED25519 = 6;

/** The hash ECDSA uses with each algorithm registration accepts (EdDSA's, should an EC2 key name it). */
const ECDSA_HASHES: Record<number, string> = {
  [COSE_ES256]: 'SHA-256',
  [COSE_RS256]: 'SHA-256',
  [COSE_EDDSA]: 'SHA-512',
};

/** The decoded map, keyed by each label's decimal text (`"1"`, `"-2"`). */
export type CoseKey = Readonly<Record<string, unknown>>;

/** A COSE_Key and the number of bytes it took, from the start of `bytes`; null when it is not a map. */
export function decodeCoseKey(bytes: Uint8Array): { key: CoseKey; size: number } | null {
  try {
    const [key, size] = decodeCBORToNativeValue(bytes, 16);
    if (typeof key !== 'object' || key === null || Array.isArray(key) || key instanceof Uint8Array)
      return null;
    return { key: key as CoseKey, size };
  } catch {
    return null;
  }
}

/** The key's algorithm (label 3), when it is a number. */
export function coseAlgorithm(key: CoseKey): number | undefined {
  const alg = key['3'];
  return typeof alg === 'number' ? alg : undefined;
}

function bytesParameter(key: CoseKey, label: string): string {
  const value = key[label];
  if (!(value instanceof Uint8Array)) throw new TypeError(`COSE key parameter ${label} is not bytes`);
  return encodeBase64url(value);
}

const view = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>;

/**
 * Whether `signature` is the key's signature of `data`. A key that cannot verify (unknown type, curve
 * or algorithm, parameters that do not import) throws, as does a malformed ECDSA signature.
 */
export async function verifyCoseSignature(
  key: CoseKey,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  const kty = key['1'];
  const alg = coseAlgorithm(key);
  if (alg === undefined) throw new TypeError('COSE key without a numeric algorithm');
  if (kty === KTY_EC2) {
    const curve = EC2_CURVES[key['-1'] as number];
    const hash = ECDSA_HASHES[alg];
    if (curve === undefined || hash === undefined) throw new TypeError('Unsupported EC2 key');
    const raw = ecdsaDerToRaw(signature, curve.size);
    if (raw === null) throw new TypeError('Malformed ECDSA signature');
    const jwk = { kty: 'EC', crv: curve.name, x: bytesParameter(key, '-2'), y: bytesParameter(key, '-3') };
    const publicKey = await crypto.subtle.importKey(
      'jwk',
      jwk,
      { name: 'ECDSA', namedCurve: curve.name },
      false,
      ['verify'],
    );
    return crypto.subtle.verify({ name: 'ECDSA', hash }, publicKey, view(raw), view(data));
  }
  if (kty === KTY_RSA) {
    if (alg !== COSE_RS256) throw new TypeError('Unsupported RSA algorithm');
    const jwk = { kty: 'RSA', alg: 'RS256', n: bytesParameter(key, '-1'), e: bytesParameter(key, '-2') };
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const publicKey = await crypto.subtle.importKey('jwk', jwk, algorithm, false, ['verify']);
    return crypto.subtle.verify(algorithm, publicKey, view(signature), view(data));
  }
  if (kty === KTY_OKP) {
    if (key['-1'] !== CURVE_ED25519) throw new TypeError('Unsupported OKP curve');
    const jwk = { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', x: bytesParameter(key, '-2') };
    const publicKey = await crypto.subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['verify']);
    return crypto.subtle.verify({ name: 'Ed25519' }, publicKey, view(signature), view(data));
  }
  throw new TypeError('Unsupported COSE key type');
}
