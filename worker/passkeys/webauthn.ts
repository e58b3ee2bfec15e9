// The WebAuthn ceremonies (WebAuthn Level 3 §7.1, §7.2) for attestation "none": the options sent to the
// browser and the verification of what comes back. Written on @oslojs/cbor and Web Crypto instead of
// @simplewebauthn/server, whose certificate parsing for attestation formats we never ask for took the
// Worker bundle from 47 kB to 147 kB gzip; this verifier is under 6 kB of it (measured in
// docs/passkeys.md, "Cost"). Each check is one that library made, with the same outcome, so the answers
// did not change; the Worker tests cross-check the two (test/worker/passkeys-verifier.test.ts).
import { decodeBase64url, encodeBase64url } from '../auth/base64url';
import { CHALLENGE_LIFETIME_SECONDS } from '../db/passkeys';
import { decodeAttestationObject, isEmptyMap, parseAuthenticatorData } from './authenticator-data';
import {
  COSE_EDDSA,
  COSE_ES256,
  COSE_RS256,
  coseAlgorithm,
  decodeCoseKey,
  verifyCoseSignature,
} from './cose-key';
import { type RelyingParty, RP_NAME } from './relying-party';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  CreationOptionsJSON,
  RegistrationResponseJSON,
  RequestOptionsJSON,
} from './webauthn-json';

/** EdDSA, ES256, RS256: what Web Crypto in Workers verifies (not the post-quantum ML-DSA). */
const ALGORITHMS = [COSE_EDDSA, COSE_ES256, COSE_RS256];
const TIMEOUT_MS = CHALLENGE_LIFETIME_SECONDS * 1000;

/** 32 random bytes: twice the 16 WebAuthn asks for at least (§13.4.3). */
function newChallenge(): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * Options for a new discoverable passkey ("resident key") with user verification, so that it signs in
 * alone, without a name or a password. Attestation "none": which authenticator it is, is not our
 * business and would need its certificates checked. `credProps` asks the browser to say whether the
 * credential is discoverable.
 */
export function registrationOptions(
  rp: RelyingParty,
  user: { handle: string; username: string },
  exclude: readonly { credentialId: string; transports: string }[],
): CreationOptionsJSON {
  return {
    challenge: newChallenge(),
    rp: { name: RP_NAME, id: rp.id },
    user: { id: user.handle, name: user.username, displayName: user.username },
    pubKeyCredParams: ALGORITHMS.map((alg) => ({ alg, type: 'public-key' })),
    timeout: TIMEOUT_MS,
    attestation: 'none',
    excludeCredentials: exclude.map((passkey) => ({
      id: passkey.credentialId,
      transports: transportsOf(passkey.transports),
      type: 'public-key',
    })),
    authenticatorSelection: {
      residentKey: 'required',
      userVerification: 'required',
      requireResidentKey: true,
    },
    extensions: { credProps: true },
    hints: [],
  };
}

/** Options for a sign-in with any passkey of this site: the person picks one (or autofill offers it). */
export function authenticationOptions(rp: RelyingParty): RequestOptionsJSON {
  return {
    rpId: rp.id,
    challenge: newChallenge(),
    allowCredentials: [],
    timeout: TIMEOUT_MS,
    userVerification: 'required',
  };
}

export interface VerifiedRegistration {
  readonly credentialId: string;
  /** The COSE public key, base64url. */
  readonly publicKey: string;
  readonly counter: number;
  readonly backupEligible: boolean;
  readonly backedUp: boolean;
}

/** A credential's base64url member, decoded; it was checked to decode (worker/passkeys/credential-json.ts). */
function bytesOf(text: string): Uint8Array {
  const bytes = decodeBase64url(text);
  if (bytes === null) throw new TypeError('not base64url');
  return bytes;
}

function sha256(bytes: Uint8Array): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * The client data's checks common to both ceremonies (§7.1 steps 7–10, §7.2 steps 11–14): its type,
 * the challenge, an allowed origin, and a token binding status WebAuthn Level 2 knew. The spelling of
 * the last status differs between the ceremonies, as it did in the library these answers come from.
 */
function clientDataFits(
  clientDataJSON: Uint8Array,
  type: 'webauthn.create' | 'webauthn.get',
  challenge: string,
  rp: RelyingParty,
): Record<string, unknown> | null {
  const data: unknown = JSON.parse(new TextDecoder().decode(clientDataJSON));
  if (typeof data !== 'object' || data === null) return null;
  const fields = data as Record<string, unknown>;
  if (fields.type !== type || fields.challenge !== challenge) return null;
  if (typeof fields.origin !== 'string' || !rp.origins.includes(fields.origin)) return null;
  const binding = fields.tokenBinding;
  if (binding) {
    const statuses = ['present', 'supported', type === 'webauthn.create' ? 'not-supported' : 'notSupported'];
    if (
      typeof binding !== 'object' ||
      !statuses.includes((binding as { status?: unknown }).status as string)
    ) {
      return null;
    }
  }
  return fields;
}

/** The authenticator data's checks common to both ceremonies (§7.1 steps 13–15, §7.2 steps 15–17). */
async function authenticatorDataFits(authData: Uint8Array, rp: RelyingParty) {
  const parsed = parseAuthenticatorData(authData);
  if (parsed === null) return null;
  const rpIdHash = new Uint8Array(await sha256(new TextEncoder().encode(rp.id)));
  if (!sameBytes(parsed.rpIdHash, rpIdHash)) return null;
  if (!parsed.userPresent || !parsed.userVerified) return null;
  // A credential that is not backup eligible cannot be backed up (§6.1.3).
  if (!parsed.backupEligible && parsed.backedUp) return null;
  return parsed;
}

/** The new credential when the response is valid for this challenge and relying party; else null. */
export async function verifyRegistration(
  credential: RegistrationResponseJSON,
  challenge: string,
  rp: RelyingParty,
): Promise<VerifiedRegistration | null> {
  try {
    if (credential.id === '' || credential.id !== credential.rawId || credential.type !== 'public-key')
      return null;
    const clientDataJSON = bytesOf(credential.response.clientDataJSON);
    if (clientDataFits(clientDataJSON, 'webauthn.create', challenge, rp) === null) return null;

    const attestation = decodeAttestationObject(bytesOf(credential.response.attestationObject));
    if (attestation === null || !(attestation.authData instanceof Uint8Array)) return null;
    const authData = await authenticatorDataFits(attestation.authData, rp);
    const attested = authData?.credential;
    if (authData == null || attested === undefined) return null;

    const key = decodeCoseKey(attested.publicKey);
    const alg = key === null ? undefined : coseAlgorithm(key.key);
    if (alg === undefined || !ALGORITHMS.includes(alg)) return null;
    // Attestation "none" only: the options ask for it, and any other format would need certificates.
    if (attestation.fmt !== 'none' || !isEmptyMap(attestation.attStmt)) return null;

    return {
      credentialId: encodeBase64url(attested.id),
      publicKey: encodeBase64url(attested.publicKey),
      counter: authData.signCount,
      backupEligible: authData.backupEligible,
      backedUp: authData.backedUp,
    };
  } catch {
    // Malformed JSON or CBOR, or a key Web Crypto refuses: the response does not verify.
    return null;
  }
}

/**
 * The counter the authenticator reported when the assertion's signature, challenge, origin, RP ID and
 * user verification are valid; else null. The counter is compared by the caller (routes/passkeys.ts),
 * so a counter that went backwards under a valid signature can be told from a forgery and recorded.
 */
export async function verifyAssertion(
  credential: AuthenticationResponseJSON,
  challenge: string,
  rp: RelyingParty,
  passkey: { credentialId: string; publicKey: string },
): Promise<{ counter: number } | null> {
  try {
    if (credential.id === '' || credential.id !== credential.rawId || credential.type !== 'public-key')
      return null;
    if (credential.id !== passkey.credentialId) return null;
    const clientDataJSON = bytesOf(credential.response.clientDataJSON);
    const clientData = clientDataFits(clientDataJSON, 'webauthn.get', challenge, rp);
    // No page may embed the sign-in (§7.2 step 13): a top origin means another page framed it.
    if (clientData === null || clientData.topOrigin) return null;

    const authDataBytes = bytesOf(credential.response.authenticatorData);
    const authData = await authenticatorDataFits(authDataBytes, rp);
    if (authData === null) return null;

    const key = decodeCoseKey(bytesOf(passkey.publicKey));
    if (key === null || coseAlgorithm(key.key) === undefined) return null;
    const signed = new Uint8Array(authDataBytes.length + 32);
    signed.set(authDataBytes);
    signed.set(new Uint8Array(await sha256(clientDataJSON)), authDataBytes.length);
    const valid = await verifyCoseSignature(key.key, bytesOf(credential.response.signature), signed);
    return valid ? { counter: authData.signCount } : null;
  } catch {
    return null;
  }
}

/** The authenticator data inside an attestation object (for the RP ID check); null when unreadable. */
export function authenticatorDataOf(attestationObject: Uint8Array): Uint8Array | null {
  const authData = decodeAttestationObject(attestationObject)?.authData;
  return authData instanceof Uint8Array ? authData : null;
}

function transportsOf(stored: string): AuthenticatorTransport[] {
  return stored === '' ? [] : (stored.split(',') as AuthenticatorTransport[]);
}
