// The Worker's WebAuthn verification (worker/passkeys/webauthn.ts) against @simplewebauthn/server, the
// library it replaced (docs/passkeys.md, "Cost"): for the same responses, valid and tampered, of
// software authenticators with each algorithm, both accept or both refuse, with the same credential
// data; and the options are the JSON the library made.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '../../worker/auth/base64url';
import { decodeAttestationObject } from '../../worker/passkeys/authenticator-data';
import {
  authenticationOptions,
  registrationOptions,
  verifyAssertion,
  verifyRegistration,
} from '../../worker/passkeys/webauthn';
import type {
  AuthenticationResponseJSON,
  RegistrationResponseJSON,
} from '../../worker/passkeys/webauthn-json';
import {
  type Algorithm,
  type Cbor,
  type Ceremony,
  cbor,
  flipByte,
  SoftwareAuthenticator,
} from './authenticator';

const RP = { id: 'gatehouse.test', origins: ['https://gatehouse.test', 'https://app.gatehouse.test'] };
const ORIGIN = 'https://gatehouse.test';
const USER = { handle: encodeBase64url(new Uint8Array(32).fill(7)), username: 'ada' };

const UP = 0x01;
const UV = 0x04;
const BE = 0x08;
const BS = 0x10;
const AT = 0x40;

type Registration = Awaited<ReturnType<SoftwareAuthenticator['register']>>;
type Assertion = Awaited<ReturnType<SoftwareAuthenticator['assert']>>;

/** What the library says, in the shape of ours: the credential it would store, or null. */
async function libraryRegistration(credential: Registration, challenge: string) {
  try {
    const result = await verifyRegistrationResponse({
      response: credential as Parameters<typeof verifyRegistrationResponse>[0]['response'],
      expectedChallenge: challenge,
      expectedOrigin: RP.origins,
      expectedRPID: RP.id,
      requireUserVerification: true,
      supportedAlgorithmIDs: [-8, -7, -257],
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
    return null;
  }
}

async function libraryAssertion(
  credential: Assertion,
  challenge: string,
  passkey: { credentialId: string; publicKey: string },
) {
  try {
    const result = await verifyAuthenticationResponse({
      response: credential as Parameters<typeof verifyAuthenticationResponse>[0]['response'],
      expectedChallenge: challenge,
      expectedOrigin: RP.origins,
      expectedRPID: RP.id,
      requireUserVerification: true,
      credential: {
        id: passkey.credentialId,
        publicKey: decodeBase64url(passkey.publicKey) as Uint8Array<ArrayBuffer>,
        counter: 0,
      },
    });
    return result.verified ? { counter: result.authenticationInfo.newCounter } : null;
  } catch {
    return null;
  }
}

/** The registration with its authenticator data changed by `change` (no signature covers it). */
function withAuthData(credential: Registration, change: (authData: Uint8Array) => Uint8Array): Registration {
  const members = decodeAttestationObject(
    decodeBase64url(credential.response.attestationObject) as Uint8Array,
  );
  const attestationObject = cbor(
    new Map<string, Cbor>([
      ['fmt', members?.fmt as string],
      ['attStmt', new Map()],
      ['authData', change(members?.authData as Uint8Array)],
    ]),
  );
  return {
    ...credential,
    response: { ...credential.response, attestationObject: encodeBase64url(attestationObject) },
  };
}

/** A base64url value with a zero byte after its bytes. */
const appendByte = (base64url: string) =>
  encodeBase64url(new Uint8Array([...(decodeBase64url(base64url) as Uint8Array), 0]));

interface Case<T> {
  name: string;
  accepted: boolean;
  /**
   * Where the library accepted what the verifier refuses, on purpose: truncated CBOR, which it read as
   * shorter values and so stored a public key that could never verify a sign-in.
   */
  libraryAccepted?: true;
  ceremony?: Ceremony;
  change?: (credential: T) => T;
  challenge?: string;
}

const OTHER_CHALLENGE = encodeBase64url(new Uint8Array(32).fill(1));

const REGISTRATIONS: Case<Registration>[] = [
  { name: 'valid', accepted: true },
  { name: 'the second allowed origin', accepted: true, ceremony: { origin: 'https://app.gatehouse.test' } },
  { name: 'backup eligible', accepted: true, ceremony: { flags: UP | UV | AT | BE } },
  { name: 'backup eligible and backed up', accepted: true, ceremony: { flags: UP | UV | AT | BE | BS } },
  { name: 'backed up, not eligible', accepted: false, ceremony: { flags: UP | UV | AT | BS } },
  {
    name: 'extension outputs',
    accepted: true,
    ceremony: { extensions: cbor(new Map([['credProtect', 2]])) },
  },
  { name: 'extension outputs that are not a map', accepted: false, ceremony: { extensions: cbor(5) } },
  {
    name: 'a token binding the library knew',
    accepted: true,
    ceremony: { clientData: { tokenBinding: { status: 'not-supported' } } },
  },
  {
    name: 'a token binding status it did not',
    accepted: false,
    ceremony: { clientData: { tokenBinding: { status: 'notSupported' } } },
  },
  {
    name: 'a token binding that is text',
    accepted: false,
    ceremony: { clientData: { tokenBinding: 'present' } },
  },
  {
    name: 'a top origin (not checked on registration)',
    accepted: true,
    ceremony: { clientData: { topOrigin: 'https://x.test' } },
  },
  { name: 'another challenge', accepted: false, challenge: OTHER_CHALLENGE },
  { name: 'another origin', accepted: false, ceremony: { origin: 'https://evil.test' } },
  { name: 'another RP ID', accepted: false, ceremony: { rpId: 'evil.test' } },
  { name: 'a sign-in client data', accepted: false, ceremony: { clientData: { type: 'webauthn.get' } } },
  { name: 'no user verification', accepted: false, ceremony: { noUserVerification: true } },
  { name: 'no user presence', accepted: false, ceremony: { flags: UV | AT } },
  { name: 'no attested credential data', accepted: false, ceremony: { flags: UP | UV } },
  {
    name: 'format "packed" without its statement',
    accepted: false,
    ceremony: { attestation: { fmt: 'packed', attStmt: new Map() } },
  },
  {
    name: 'format "none" with a statement',
    accepted: false,
    ceremony: { attestation: { fmt: 'none', attStmt: new Map([['sig', new Uint8Array(8)]]) } },
  },
  {
    name: 'an unknown format',
    accepted: false,
    ceremony: { attestation: { fmt: 'selfie', attStmt: new Map() } },
  },
  {
    name: 'a byte after the attestation object (ignored)',
    accepted: true,
    change: (c) => ({
      ...c,
      response: { ...c.response, attestationObject: appendByte(c.response.attestationObject) },
    }),
  },
  {
    name: 'a byte after the authenticator data',
    accepted: false,
    change: (c) => withAuthData(c, (authData) => new Uint8Array([...authData, 0])),
  },
  {
    name: 'authenticator data cut inside the public key',
    accepted: false,
    libraryAccepted: true,
    change: (c) => withAuthData(c, (authData) => authData.subarray(0, authData.length - 3)),
  },
  {
    name: 'a credential id in the JSON other than the authenticator data’s (the latter is kept)',
    accepted: true,
    change: (c) => ({ ...c, id: 'AAAA', rawId: 'AAAA' }),
  },
];

const ASSERTIONS: Case<Assertion>[] = [
  { name: 'valid', accepted: true },
  { name: 'counter 0', accepted: true, ceremony: { counter: 0 } },
  { name: 'backup eligible and backed up', accepted: true, ceremony: { flags: UP | UV | BE | BS } },
  { name: 'backed up, not eligible', accepted: false, ceremony: { flags: UP | UV | BS } },
  { name: 'extension outputs', accepted: true, ceremony: { extensions: cbor(new Map([['appid', 0]])) } },
  {
    name: 'cross-origin without a top origin',
    accepted: true,
    ceremony: { clientData: { crossOrigin: true } },
  },
  {
    name: 'a top origin',
    accepted: false,
    ceremony: { clientData: { crossOrigin: true, topOrigin: ORIGIN } },
  },
  {
    name: 'a top origin, not cross-origin',
    accepted: false,
    ceremony: { clientData: { topOrigin: ORIGIN } },
  },
  {
    name: 'token binding "notSupported"',
    accepted: true,
    ceremony: { clientData: { tokenBinding: { status: 'notSupported' } } },
  },
  {
    name: 'token binding "not-supported"',
    accepted: false,
    ceremony: { clientData: { tokenBinding: { status: 'not-supported' } } },
  },
  { name: 'another challenge', accepted: false, challenge: OTHER_CHALLENGE },
  { name: 'another origin', accepted: false, ceremony: { origin: 'https://evil.test' } },
  { name: 'another RP ID', accepted: false, ceremony: { rpId: 'evil.test' } },
  {
    name: 'a registration client data',
    accepted: false,
    ceremony: { clientData: { type: 'webauthn.create' } },
  },
  { name: 'no user verification', accepted: false, ceremony: { noUserVerification: true } },
  { name: 'no user presence', accepted: false, ceremony: { flags: UV } },
  {
    name: 'a changed signature',
    accepted: false,
    change: (c) => ({ ...c, response: { ...c.response, signature: flipByte(c.response.signature, 20) } }),
  },
  {
    name: 'a changed counter',
    accepted: false,
    change: (c) => ({
      ...c,
      response: { ...c.response, authenticatorData: flipByte(c.response.authenticatorData, 36) },
    }),
  },
  {
    name: 'a byte after the authenticator data',
    accepted: false,
    change: (c) => ({
      ...c,
      response: {
        ...c.response,
        authenticatorData: appendByte(c.response.authenticatorData),
      },
    }),
  },
];

describe.each([
  ['ES256', -7],
  ['RS256', -257],
  ['EdDSA', -8],
] as [string, Algorithm][])('%s: the verifier and @simplewebauthn/server agree', (_name, alg) => {
  it.each(REGISTRATIONS)(
    'registration: $name',
    async ({ accepted, libraryAccepted, ceremony, change, challenge }) => {
      const authenticator = await SoftwareAuthenticator.create(ORIGIN, alg);
      const options = registrationOptions(RP, USER, []);
      let credential = await authenticator.register(options, ceremony);
      if (change) credential = change(credential);
      const expected = challenge ?? options.challenge;
      const ours = await verifyRegistration(credential as RegistrationResponseJSON, expected, RP);
      const theirs = await libraryRegistration(credential, expected);
      if (libraryAccepted) expect(theirs).not.toBeNull();
      else expect(ours).toEqual(theirs);
      expect(ours !== null).toBe(accepted);
    },
  );

  it.each(ASSERTIONS)('sign-in: $name', async ({ accepted, ceremony, change, challenge }) => {
    const authenticator = await SoftwareAuthenticator.create(ORIGIN, alg);
    const registration = registrationOptions(RP, USER, []);
    const passkey = await verifyRegistration(
      (await authenticator.register(registration)) as RegistrationResponseJSON,
      registration.challenge,
      RP,
    );
    if (passkey === null) throw new Error('the registration did not verify');
    const options = authenticationOptions(RP);
    let credential = await authenticator.assert(options, ceremony);
    if (change) credential = change(credential);
    const expected = challenge ?? options.challenge;
    const ours = await verifyAssertion(credential as AuthenticationResponseJSON, expected, RP, passkey);
    expect(ours).toEqual(await libraryAssertion(credential, expected, passkey));
    expect(ours !== null).toBe(accepted);
  });

  it('sign-in with another authenticator’s key: both refuse', async () => {
    const [mine, theirs] = await Promise.all([
      SoftwareAuthenticator.create(ORIGIN, alg),
      SoftwareAuthenticator.create(ORIGIN, alg),
    ]);
    const registration = registrationOptions(RP, USER, []);
    const stored = await verifyRegistration(
      (await theirs.register(registration)) as RegistrationResponseJSON,
      registration.challenge,
      RP,
    );
    if (stored === null) throw new Error('the registration did not verify');
    await mine.register(registration);
    const options = authenticationOptions(RP);
    const credential = await mine.assert(options);
    const passkey = { ...stored, credentialId: mine.credentialId };
    expect(
      await verifyAssertion(credential as AuthenticationResponseJSON, options.challenge, RP, passkey),
    ).toBeNull();
    expect(await libraryAssertion(credential, options.challenge, passkey)).toBeNull();
  });
});

describe('options', () => {
  it('registration options are the JSON the library made for the same inputs', async () => {
    const exclude = [
      { credentialId: 'AQID', transports: 'internal,hybrid' },
      { credentialId: 'BAUG', transports: '' },
    ];
    const ours = registrationOptions(RP, USER, exclude);
    const theirs = await generateRegistrationOptions({
      rpName: 'Gatehouse',
      rpID: RP.id,
      userID: decodeBase64url(USER.handle) as Uint8Array<ArrayBuffer>,
      userName: USER.username,
      userDisplayName: USER.username,
      challenge: decodeBase64url(ours.challenge) as Uint8Array<ArrayBuffer>,
      timeout: ours.timeout,
      attestationType: 'none',
      excludeCredentials: exclude.map((passkey) => ({
        id: passkey.credentialId,
        transports: (passkey.transports === '' ? [] : passkey.transports.split(',')) as 'internal'[],
      })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      supportedAlgorithmIDs: [-8, -7, -257],
    });
    expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
    expect(ours.timeout).toBe(300_000);
    expect(decodeBase64url(ours.challenge)).toHaveLength(32);
  });

  it('sign-in options are the JSON the library made for the same inputs, with a new challenge each time', async () => {
    const ours = authenticationOptions(RP);
    const theirs = await generateAuthenticationOptions({
      rpID: RP.id,
      allowCredentials: [],
      userVerification: 'required',
      timeout: ours.timeout,
      challenge: decodeBase64url(ours.challenge) as Uint8Array<ArrayBuffer>,
    });
    expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
    expect(authenticationOptions(RP).challenge).not.toBe(ours.challenge);
  });
});
