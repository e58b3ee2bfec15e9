// The WebAuthn ceremonies, through @simplewebauthn/server. It needs no nodejs_compat (it uses Web
// Crypto), but it is large: about 90 kB gzip of the Worker's bundle, most of it certificate parsing for
// attestation formats we never ask for, which its module layout keeps in even when only some of its
// functions are imported (measured in docs/passkeys.md, "Cost"). Loaded with import(), so only the
// passkey routes evaluate it; every other request of an isolate never pays for it.
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { decodeBase64url, encodeBase64url } from '../auth/base64url';
import { CHALLENGE_LIFETIME_SECONDS } from '../db/passkeys';
import { type RelyingParty, RP_NAME } from './relying-party';

const library = () => import('@simplewebauthn/server');
const helpers = () => import('@simplewebauthn/server/helpers');

/** EdDSA, ES256, RS256: what Web Crypto in Workers verifies (not the post-quantum ML-DSA). */
const ALGORITHMS = [-8, -7, -257];
const TIMEOUT_MS = CHALLENGE_LIFETIME_SECONDS * 1000;

/**
 * Options for a new discoverable passkey ("resident key") with user verification, so that it signs in
 * alone, without a name or a password. Attestation "none": which authenticator it is, is not our
 * business and would need its certificates checked.
 */
export async function registrationOptions(
  rp: RelyingParty,
  user: { handle: string; username: string },
  exclude: readonly { credentialId: string; transports: string }[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { generateRegistrationOptions } = await library();
  return generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: rp.id,
    userID: decodeBase64url(user.handle) as Uint8Array<ArrayBuffer>,
    userName: user.username,
    userDisplayName: user.username,
    timeout: TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: exclude.map((passkey) => ({
      id: passkey.credentialId,
      transports: transportsOf(passkey.transports),
    })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    supportedAlgorithmIDs: ALGORITHMS,
  });
}

/** Options for a sign-in with any passkey of this site: the person picks one (or autofill offers it). */
export async function authenticationOptions(
  rp: RelyingParty,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { generateAuthenticationOptions } = await library();
  return generateAuthenticationOptions({
    rpID: rp.id,
    allowCredentials: [],
    userVerification: 'required',
    timeout: TIMEOUT_MS,
  });
}

export interface VerifiedRegistration {
  readonly credentialId: string;
  /** The COSE public key, base64url. */
  readonly publicKey: string;
  readonly counter: number;
  readonly backupEligible: boolean;
  readonly backedUp: boolean;
}

/** The new credential when the response is valid for this challenge and relying party; else null. */
export async function verifyRegistration(
  credential: RegistrationResponseJSON,
  challenge: string,
  rp: RelyingParty,
): Promise<VerifiedRegistration | null> {
  const { verifyRegistrationResponse } = await library();
  try {
    const result = await verifyRegistrationResponse({
      response: credential,
      expectedChallenge: challenge,
      expectedOrigin: [...rp.origins],
      expectedRPID: rp.id,
      requireUserVerification: true,
      supportedAlgorithmIDs: ALGORITHMS,
    });
    if (!result.verified) return null;
    const info = result.registrationInfo;
    return {
      credentialId: info.credential.id,
      publicKey: encodeBase64url(info.credential.publicKey),
      counter: info.credential.counter,
      backupEligible: info.credentialDeviceType === 'multiDevice',
      backedUp: info.credentialBackedUp,
    };
  } catch {
    // The library throws for every malformed or failing response; its messages are not for clients.
    return null;
  }
}

/**
 * The counter the authenticator reported when the assertion's signature, challenge, origin, RP ID and
 * user verification are valid; else null. The counter is compared by the caller (routes/passkeys.ts),
 * so a counter that went backwards under a valid signature can be told from a forgery and recorded:
 * the library is given 0, which makes it accept any counter.
 */
export async function verifyAssertion(
  credential: AuthenticationResponseJSON,
  challenge: string,
  rp: RelyingParty,
  passkey: { credentialId: string; publicKey: string; transports: string },
): Promise<{ counter: number } | null> {
  const { verifyAuthenticationResponse } = await library();
  try {
    const result = await verifyAuthenticationResponse({
      response: credential,
      expectedChallenge: challenge,
      expectedOrigin: [...rp.origins],
      expectedRPID: rp.id,
      requireUserVerification: true,
      credential: {
        id: passkey.credentialId,
        publicKey: decodeBase64url(passkey.publicKey) as Uint8Array<ArrayBuffer>,
        counter: 0,
        transports: transportsOf(passkey.transports),
      },
    });
    return result.verified ? { counter: result.authenticationInfo.newCounter } : null;
  } catch {
    return null;
  }
}

/** The authenticator data inside an attestation object (for the RP ID check); null when unreadable. */
export async function authenticatorDataOf(attestationObject: Uint8Array): Promise<Uint8Array | null> {
  const { decodeAttestationObject } = await helpers();
  try {
    const authData = decodeAttestationObject(attestationObject as Uint8Array<ArrayBuffer>).get('authData');
    return authData instanceof Uint8Array ? authData : null;
  } catch {
    return null;
  }
}

type Transport = NonNullable<RegistrationResponseJSON['response']['transports']>[number];

function transportsOf(stored: string): Transport[] {
  return stored === '' ? [] : (stored.split(',') as Transport[]);
}
