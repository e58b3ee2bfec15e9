// The authenticator's own bytes (WebAuthn Level 3 §6.1, §6.4, §6.5): the attestation object a
// registration returns and the authenticator data inside it and every assertion. CBOR is decoded with
// @oslojs/cbor; the layout around it is read here rather than with @oslojs/webauthn's parser, which
// leaves out what the answers depend on (docs/passkeys.md, "Cost"): the backup flags, the extension
// data, the check that no bytes are left over, and the public key's own bytes, which are stored.
import { decodeCBORToNativeValue } from '@oslojs/cbor';
import { decodeCoseKey } from './cose-key';

/** Decoded CBOR nests no deeper than this in anything an authenticator sends. */
const MAX_DEPTH = 16;

export interface AttestedCredential {
  readonly aaguid: Uint8Array;
  readonly id: Uint8Array;
  /** The COSE_Key's CBOR bytes, exactly as the authenticator wrote them. */
  readonly publicKey: Uint8Array;
}

export interface AuthenticatorData {
  readonly rpIdHash: Uint8Array;
  readonly userPresent: boolean;
  readonly userVerified: boolean;
  readonly backupEligible: boolean;
  readonly backedUp: boolean;
  readonly signCount: number;
  /** Present when the AT flag is set (registration). */
  readonly credential: AttestedCredential | undefined;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

/** The first CBOR item of `bytes` and its size; null when it is not well-formed. */
function decodeFirst(bytes: Uint8Array): [unknown, number] | null {
  try {
    return decodeCBORToNativeValue(bytes, MAX_DEPTH);
  } catch {
    return null;
  }
}

/** Reads authenticator data; null when it is truncated, malformed or followed by stray bytes. */
export function parseAuthenticatorData(bytes: Uint8Array): AuthenticatorData | null {
  if (bytes.length < 37) return null;
  const flags = bytes[32] as number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 37;
  let credential: AttestedCredential | undefined;
  if (flags & 0x40) {
    if (bytes.length < offset + 18) return null;
    const aaguid = bytes.slice(offset, offset + 16);
    const idLength = view.getUint16(offset + 16);
    offset += 18;
    if (bytes.length < offset + idLength) return null;
    const id = bytes.slice(offset, offset + idLength);
    offset += idLength;
    const key = decodeCoseKey(bytes.subarray(offset));
    if (key === null) return null;
    credential = { aaguid, id, publicKey: bytes.slice(offset, offset + key.size) };
    offset += key.size;
  }
  if (flags & 0x80) {
    // Extension outputs: a CBOR map, read only to find where it ends.
    const extensions = decodeFirst(bytes.subarray(offset));
    if (extensions === null || !isMap(extensions[0])) return null;
    offset += extensions[1];
  }
  if (offset !== bytes.length) return null;
  return {
    rpIdHash: bytes.slice(0, 32),
    userPresent: (flags & 0x01) !== 0,
    userVerified: (flags & 0x04) !== 0,
    backupEligible: (flags & 0x08) !== 0,
    backedUp: (flags & 0x10) !== 0,
    signCount: view.getUint32(33),
    credential,
  };
}

/**
 * The attestation object's members (§6.5): `fmt`, `attStmt` and `authData`, unchecked; null when it is
 * not a CBOR map. The authenticator data is wanted before the rest is judged (worker/routes/passkeys.ts).
 */
export function decodeAttestationObject(bytes: Uint8Array): Record<string, unknown> | null {
  const decoded = decodeFirst(bytes);
  return decoded !== null && isMap(decoded[0]) ? decoded[0] : null;
}

/** Whether a value is CBOR's empty map, the attestation statement of format "none" (§8.7). */
export function isEmptyMap(value: unknown): boolean {
  return isMap(value) && Object.keys(value).length === 0;
}
