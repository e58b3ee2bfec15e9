// The passkey routes (passkeys.ts), described for the OpenAPI document (docs/openapi.md).
//
// Their bodies are WebAuthn's nested JSON, read by readJsonFields and checked by hand
// (worker/passkeys/credential-json.ts), not by a valibot schema: the body schemas below are written
// after those checks and validate nothing (docs/openapi.md, "Bodies checked by hand"). The option
// schemas describe what worker/passkeys/webauthn.ts answers, and every answer the tests receive is
// checked against them.
import * as v from 'valibot';
import { CHALLENGE_LIFETIME_SECONDS, MAX_PASSKEYS_PER_ACCOUNT } from '../db/passkeys';
import { FRESH_SESSION_SECONDS } from '../http/require-fresh-session';
import { NO_STORE_HEADERS, tokenSuccess } from '../http/token-response.openapi';
import type { RouteDescriptions } from '../openapi/route-description';
import { MAX_PASSKEY_NAME_LENGTH } from '../passkeys/credential-json';
import { RP_NAME } from '../passkeys/relying-party';

/** Passkey ids are ours (auth/random-id.ts): 22 base64url characters. */
const PASSKEY_ID = /^[A-Za-z0-9_-]{22}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const base64url = (description: string) => v.pipe(v.string(), v.regex(BASE64URL), v.description(description));
const unixTime = (description: string) => v.pipe(v.number(), v.integer(), v.description(description));

const PASSKEY_NAME = `1 to ${MAX_PASSKEY_NAME_LENGTH} printable characters, trimmed.`;
const FRESH = `Needs a session signed in within the last ${FRESH_SESSION_SECONDS / 60} minutes, with a password or a passkey (a refresh does not count), else \`403 reauthentication-required\` (docs/passkeys.md).`;
const JSON_ONLY = "`application/json` only: WebAuthn's JSON nests objects, which a form cannot carry.";

/** The transports WebAuthn names. */
const Transport = v.picklist(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);

const Passkey = v.strictObject({
  id: v.pipe(v.string(), v.regex(PASSKEY_ID), v.description('Names the passkey in /passkeys/{id}.')),
  name: v.pipe(
    v.string(),
    v.minLength(1),
    v.maxLength(MAX_PASSKEY_NAME_LENGTH),
    v.description('Given at registration or by PATCH; else the registering device ("Chrome on Android").'),
  ),
  created_at: unixTime('Unix time, seconds: the registration.'),
  last_used_at: v.pipe(
    v.nullable(v.pipe(v.number(), v.integer())),
    v.description('Unix time, seconds: the last sign-in with it; null until first used.'),
  ),
});

const CredentialDescriptor = v.strictObject({
  id: base64url('A credential id.'),
  type: v.literal('public-key'),
  transports: v.optional(v.array(Transport)),
});

const CHALLENGE = `Single use, valid ${CHALLENGE_LIFETIME_SECONDS / 60} minutes.`;
const TIMEOUT = v.pipe(v.number(), v.integer(), v.description("Milliseconds: the challenge's lifetime."));
/** Added by the WebAuthn library rather than asked for; browsers ignore what they do not know. */
const Hints = v.optional(v.array(v.picklist(['security-key', 'client-device', 'hybrid'])));

/** WebAuthn Level 3's PublicKeyCredentialCreationOptionsJSON, with the values the Worker sets. */
const PublicKeyCredentialCreationOptionsJSON = v.strictObject({
  challenge: base64url(CHALLENGE),
  rp: v.strictObject({
    name: v.literal(RP_NAME),
    id: v.pipe(v.string(), v.description("The relying party ID: PASSKEY_RP_ID, else the API's host.")),
  }),
  user: v.strictObject({
    id: base64url("The account's user handle: random, stable, not its id or name."),
    name: v.pipe(v.string(), v.description('The account name.')),
    displayName: v.pipe(v.string(), v.description('The account name.')),
  }),
  pubKeyCredParams: v.pipe(
    v.array(v.strictObject({ alg: v.picklist([-8, -7, -257]), type: v.literal('public-key') })),
    v.description('EdDSA, ES256 and RS256, as COSE algorithm ids.'),
  ),
  timeout: TIMEOUT,
  attestation: v.literal('none'),
  excludeCredentials: v.pipe(
    v.array(CredentialDescriptor),
    v.description("The account's passkeys, so an authenticator makes no second one."),
  ),
  authenticatorSelection: v.strictObject({
    residentKey: v.literal('required'),
    requireResidentKey: v.optional(v.literal(true)),
    userVerification: v.literal('required'),
  }),
  extensions: v.optional(v.strictObject({ credProps: v.optional(v.boolean()) })),
  hints: Hints,
});

/** WebAuthn Level 3's PublicKeyCredentialRequestOptionsJSON, with the values the Worker sets. */
const PublicKeyCredentialRequestOptionsJSON = v.strictObject({
  rpId: v.pipe(v.string(), v.description("The relying party ID: PASSKEY_RP_ID, else the API's host.")),
  challenge: base64url(CHALLENGE),
  allowCredentials: v.optional(
    v.pipe(
      v.array(CredentialDescriptor),
      v.length(0),
      v.description('Always empty: the person picks a passkey, and the options say nothing about accounts.'),
    ),
  ),
  timeout: TIMEOUT,
  userVerification: v.literal('required'),
});

/** What RegistrationResponseJSON and AuthenticationResponseJSON share (`PublicKeyCredential.toJSON()`). */
const credential = {
  id: base64url('The credential id.'),
  rawId: base64url('The same as `id`.'),
  type: v.literal('public-key'),
  authenticatorAttachment: v.optional(v.nullable(v.picklist(['platform', 'cross-platform']))),
  clientExtensionResults: v.optional(v.nullable(v.pipe(v.object({}), v.description('Read, not used.')))),
};
const CLIENT_DATA =
  'base64url of the client data JSON, whose `type`, `challenge` and `origin` are checked (the origin against PASSKEY_ORIGINS).';

const PasskeyRegistration = v.object({
  ...credential,
  response: v.object({
    clientDataJSON: base64url(CLIENT_DATA),
    attestationObject: base64url('The attestation object; its RP ID hash is checked against PASSKEY_RP_ID.'),
    transports: v.optional(
      v.pipe(v.array(v.string()), v.description('Stored, the ones WebAuthn names; others are dropped.')),
    ),
  }),
  name: v.optional(
    v.pipe(
      v.nullable(v.string()),
      v.description(`The passkey's name, ${PASSKEY_NAME} Without one, the registering device's.`),
    ),
  ),
});

const PasskeySignIn = v.object({
  ...credential,
  response: v.object({
    clientDataJSON: base64url(CLIENT_DATA),
    authenticatorData: base64url('Its RP ID hash is checked against PASSKEY_RP_ID.'),
    signature: base64url('The signature over the authenticator data and the client data.'),
    userHandle: v.optional(
      v.pipe(
        v.nullable(v.string()),
        v.description("The user handle, when the authenticator returns it: must be the passkey's account's."),
      ),
    ),
  }),
});

const ID_PARAMETER = {
  id: {
    description: 'The `id` from GET /passkeys.',
    schema: { type: 'string', pattern: PASSKEY_ID.source },
  },
} as const;

export const passkeyDescriptions: RouteDescriptions = {
  'POST /passkeys/register/options': {
    operationId: 'passkeyRegistrationOptions',
    summary: 'Options for adding a passkey',
    description: `The options to pass to \`navigator.credentials.create()\`: a discoverable passkey with user verification, attestation \`none\`. ${FRESH} No body. A page on an origin passkeys are not set up for is \`400 relying-party-mismatch\`.`,
    tag: 'Passkeys',
    authenticated: true,
    success: {
      status: 200,
      description: 'The creation options. Always JSON.',
      json: {
        name: 'PublicKeyCredentialCreationOptionsJSON',
        schema: PublicKeyCredentialCreationOptionsJSON,
      },
      headers: NO_STORE_HEADERS,
    },
    problems: ['relying-party-mismatch', 'reauthentication-required', 'passkey-limit-reached'],
  },
  'POST /passkeys/register': {
    operationId: 'registerPasskey',
    summary: 'Add a passkey',
    description: `Stores the credential \`navigator.credentials.create()\` made from the options, sent in WebAuthn Level 3's \`toJSON()\` form (as @simplewebauthn/browser sends it). ${FRESH} ${JSON_ONLY} At most ${MAX_PASSKEYS_PER_ACCOUNT} passkeys an account.`,
    tag: 'Passkeys',
    authenticated: true,
    jsonBody: { schema: PasskeyRegistration, required: true },
    success: {
      status: 201,
      description: 'The stored passkey. Always JSON.',
      json: { name: 'Passkey', schema: Passkey },
      headers: NO_STORE_HEADERS,
    },
    problems: [
      'relying-party-mismatch',
      'passkey-registration-failed',
      'reauthentication-required',
      'passkey-exists',
      'passkey-limit-reached',
    ],
  },
  'POST /passkeys/login/options': {
    operationId: 'passkeyLoginOptions',
    summary: 'Options for signing in with a passkey',
    description: `The options to pass to \`navigator.credentials.get()\`, the same for every name and listing no credentials. Counted by the per-network limiter, as each stores a challenge. ${JSON_ONLY}`,
    tag: 'Passkeys',
    jsonBody: {
      schema: v.object({
        username: v.optional(
          v.pipe(
            v.string(),
            v.description(
              "For a username-first sign-in: the sign-in must then be this account's. Empty or absent: any account.",
            ),
          ),
        ),
      }),
      required: false,
    },
    success: {
      status: 200,
      description: 'The request options. Always JSON.',
      json: { name: 'PublicKeyCredentialRequestOptionsJSON', schema: PublicKeyCredentialRequestOptionsJSON },
      headers: NO_STORE_HEADERS,
    },
    problems: ['relying-party-mismatch', 'too-many-requests'],
  },
  'POST /passkeys/login': {
    operationId: 'passkeyLogin',
    summary: 'Sign in with a passkey: a new session and its access token',
    description: `Answers exactly as POST /login does, and the session starts the same way. The body is the assertion \`navigator.credentials.get()\` made from the options, in WebAuthn Level 3's \`toJSON()\` form. ${JSON_ONLY} Every failure is the same \`401\`, and counts as a failed log-in for the account named or the passkey's (docs/security.md).`,
    tag: 'Passkeys',
    jsonBody: { schema: PasskeySignIn, required: true },
    success: tokenSuccess('A new session.'),
    problems: ['relying-party-mismatch', 'passkey-not-accepted', 'too-many-requests'],
  },
  'GET /passkeys': {
    operationId: 'listPasskeys',
    summary: "List the caller's passkeys",
    description: 'Oldest first.',
    tag: 'Passkeys',
    authenticated: true,
    success: {
      status: 200,
      description: 'Every passkey of the account. Always JSON.',
      json: {
        name: 'PasskeyList',
        schema: v.strictObject({ passkeys: v.array(Passkey) }),
        definitions: { Passkey },
      },
      headers: NO_STORE_HEADERS,
    },
  },
  'PATCH /passkeys/:id': {
    operationId: 'renamePasskey',
    summary: 'Rename a passkey',
    description: `Any valid session. ${JSON_ONLY}`,
    tag: 'Passkeys',
    authenticated: true,
    path: ID_PARAMETER,
    jsonBody: {
      schema: v.object({ name: v.pipe(v.string(), v.description(`The new name, ${PASSKEY_NAME}`)) }),
      required: true,
    },
    success: {
      status: 200,
      description: 'The renamed passkey. Always JSON.',
      json: { name: 'Passkey', schema: Passkey },
      headers: NO_STORE_HEADERS,
    },
    problems: ['not-found'],
  },
  'DELETE /passkeys/:id': {
    operationId: 'deletePasskey',
    summary: 'Delete a passkey',
    description: `The password and the other passkeys stay. ${FRESH}`,
    tag: 'Passkeys',
    authenticated: true,
    path: ID_PARAMETER,
    success: { status: 204, description: 'The passkey is gone.' },
    problems: ['reauthentication-required', 'not-found'],
  },
};
