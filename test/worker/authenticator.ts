// A software authenticator for the passkey tests: a key pair made with Web Crypto (ES256 unless told
// RS256 or EdDSA), and the
// authenticator data, attestation object ("none") and assertion signatures that a real one produces,
// built here byte by byte (WebAuthn Level 3 §6.1, §6.5, §8.7) with a small CBOR encoder of its own,
// so the Worker's verification is checked against bytes it did not make.
import { decodeBase64url, encodeBase64url } from '../../worker/auth/base64url';
import type { CreationOptionsJSON, RequestOptionsJSON } from '../../worker/passkeys/webauthn-json';

/** What an authenticator reads from the options (the browser checks the rest). */
type CreationOptions = Pick<CreationOptionsJSON, 'challenge' | 'rp' | 'user'>;
type RequestOptions = Pick<RequestOptionsJSON, 'challenge'> & { rpId?: string };

// ---- CBOR (RFC 8949), the subset WebAuthn uses: integers, byte and text strings, arrays, maps ----

export type Cbor = number | string | Uint8Array | Cbor[] | Map<number | string, Cbor>;

function head(major: number, value: number): number[] {
  if (value < 24) return [(major << 5) | value];
  if (value < 0x100) return [(major << 5) | 24, value];
  if (value < 0x10000) return [(major << 5) | 25, value >> 8, value & 0xff];
  return [(major << 5) | 26, (value >>> 24) & 0xff, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}

export function cbor(value: Cbor): Uint8Array {
  const out: number[] = [];
  const write = (item: Cbor) => {
    if (typeof item === 'number') {
      out.push(...(item >= 0 ? head(0, item) : head(1, -1 - item)));
    } else if (typeof item === 'string') {
      const bytes = new TextEncoder().encode(item);
      out.push(...head(3, bytes.length), ...bytes);
    } else if (item instanceof Uint8Array) {
      out.push(...head(2, item.length), ...item);
    } else if (Array.isArray(item)) {
      out.push(...head(4, item.length));
      for (const element of item) write(element);
    } else {
      out.push(...head(5, item.size));
      for (const [key, element] of item) {
        write(key);
        write(element);
      }
    }
  };
  write(value);
  return new Uint8Array(out);
}

// ---- bytes ----

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

const sha256 = async (bytes: Uint8Array) =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));

const uint32 = (value: number) =>
  new Uint8Array([value >>> 24, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff]);

/** Web Crypto signs ECDSA as r‖s; WebAuthn wants the ASN.1 DER SEQUENCE of two INTEGERs. */
export function derSignature(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    let value = bytes.subarray(start);
    if ((value[0] as number) & 0x80) value = concat(new Uint8Array([0]), value);
    return concat(new Uint8Array([0x02, value.length]), value);
  };
  const body = concat(integer(raw.subarray(0, 32)), integer(raw.subarray(32)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

// ---- the authenticator ----

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;
const FLAG_ED = 0x80;

export interface Ceremony {
  /** The page the browser says it ran on. */
  origin?: string;
  /** The RP ID the authenticator hashes into its data (a real one uses the options' `rp.id`). */
  rpId?: string;
  /** The counter to report; by default one more than the last. */
  counter?: number;
  /** Without user verification (the UV flag unset). */
  noUserVerification?: boolean;
  /** The flags byte to write instead of the usual one (UP, UV, and AT on registration). */
  flags?: number;
  /** Members added to (or replacing those of) the client data. */
  clientData?: Record<string, unknown>;
  /** Extension outputs: a CBOR map appended to the authenticator data, with the ED flag set. */
  extensions?: Uint8Array;
  /** The attestation format and statement to send instead of "none" with an empty map. */
  attestation?: { fmt: string; attStmt: Map<string, Cbor> };
}

/** The COSE algorithms this authenticator can make keys for. */
export type Algorithm = -7 | -257 | -8;

const KEY_ALGORITHMS = {
  [-7]: { name: 'ECDSA', namedCurve: 'P-256' },
  [-257]: {
    name: 'RSASSA-PKCS1-v1_5',
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: 'SHA-256',
  },
  [-8]: { name: 'Ed25519' },
} as const;

/** A new key pair for a COSE algorithm, made with Web Crypto. */
export async function generateKeyPair(alg: Algorithm): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(KEY_ALGORITHMS[alg], true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** The COSE_Key (RFC 9053) of a public key made by generateKeyPair, CBOR-encoded. */
export async function coseKeyOf(alg: Algorithm, publicKey: CryptoKey): Promise<Uint8Array> {
  const jwk = (await crypto.subtle.exportKey('jwk', publicKey)) as JsonWebKey;
  const bytes = (text: string | undefined) => decodeBase64url(text as string) as Uint8Array;
  if (alg === -257) {
    return cbor(
      new Map<number, Cbor>([
        [1, 3],
        [3, -257],
        [-1, bytes(jwk.n)],
        [-2, bytes(jwk.e)],
      ]),
    );
  }
  if (alg === -8)
    return cbor(
      new Map<number, Cbor>([
        [1, 1],
        [3, -8],
        [-1, 6],
        [-2, bytes(jwk.x)],
      ]),
    );
  return cbor(
    new Map<number, Cbor>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, bytes(jwk.x)],
      [-3, bytes(jwk.y)],
    ]),
  );
}

/** A signature as WebAuthn carries it: DER for ECDSA (§6.5.5), Web Crypto's own bytes otherwise. */
export async function signAs(alg: Algorithm, privateKey: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  const algorithm = alg === -7 ? { name: 'ECDSA', hash: 'SHA-256' } : KEY_ALGORITHMS[alg];
  const raw = new Uint8Array(
    await crypto.subtle.sign(algorithm, privateKey, data as Uint8Array<ArrayBuffer>),
  );
  return alg === -7 ? derSignature(raw) : raw;
}

export class SoftwareAuthenticator {
  counter = 0;
  /** The user handle the relying party gave at registration (base64url), sent back on sign-in. */
  userHandle: string | undefined;

  private constructor(
    readonly credentialId: string,
    private readonly keys: CryptoKeyPair,
    readonly defaultOrigin: string,
    readonly algorithm: Algorithm,
  ) {}

  static async create(origin: string, algorithm: Algorithm = -7): Promise<SoftwareAuthenticator> {
    return new SoftwareAuthenticator(
      encodeBase64url(crypto.getRandomValues(new Uint8Array(16))),
      await generateKeyPair(algorithm),
      origin,
      algorithm,
    );
  }

  private coseKey(): Promise<Uint8Array> {
    return coseKeyOf(this.algorithm, this.keys.publicKey);
  }

  private clientData(type: string, challenge: string, ceremony: Ceremony): Uint8Array {
    const origin = ceremony.origin ?? this.defaultOrigin;
    return json({ type, challenge, origin, crossOrigin: false, ...ceremony.clientData });
  }

  /** The flags byte and the extension outputs that follow the rest of the authenticator data. */
  private flagsAndExtensions(usual: number, ceremony: Ceremony): [Uint8Array, Uint8Array] {
    const extensions = ceremony.extensions ?? new Uint8Array(0);
    const flags = (ceremony.flags ?? usual) | (ceremony.extensions ? FLAG_ED : 0);
    return [new Uint8Array([flags]), extensions];
  }

  private nextCounter(ceremony: Ceremony): number {
    this.counter = ceremony.counter ?? this.counter + 1;
    return this.counter;
  }

  /** What `navigator.credentials.create()` gives, in its JSON form, for these options. */
  async register(options: CreationOptions, ceremony: Ceremony = {}) {
    const rpId = ceremony.rpId ?? (options.rp.id as string);
    this.userHandle = options.user.id;
    const clientDataJSON = this.clientData('webauthn.create', options.challenge, ceremony);
    const credentialId = decodeBase64url(this.credentialId) as Uint8Array;
    const [flags, extensions] = this.flagsAndExtensions(
      FLAG_UP | FLAG_AT | (ceremony.noUserVerification ? 0 : FLAG_UV),
      ceremony,
    );
    const authData = concat(
      await sha256(new TextEncoder().encode(rpId)),
      flags,
      uint32(this.nextCounter(ceremony)),
      new Uint8Array(16), // AAGUID: none
      new Uint8Array([credentialId.length >> 8, credentialId.length & 0xff]),
      credentialId,
      await this.coseKey(),
      extensions,
    );
    const attestation = ceremony.attestation ?? { fmt: 'none', attStmt: new Map() };
    const attestationObject = cbor(
      new Map<string, Cbor>([
        ['fmt', attestation.fmt],
        ['attStmt', attestation.attStmt],
        ['authData', authData],
      ]),
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: encodeBase64url(clientDataJSON),
        attestationObject: encodeBase64url(attestationObject),
        transports: ['internal', 'hybrid'],
      },
    };
  }

  /** What `navigator.credentials.get()` gives, in its JSON form, for these options. */
  async assert(options: RequestOptions, ceremony: Ceremony = {}) {
    const rpId = ceremony.rpId ?? (options.rpId as string);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, ceremony);
    const [flags, extensions] = this.flagsAndExtensions(
      FLAG_UP | (ceremony.noUserVerification ? 0 : FLAG_UV),
      ceremony,
    );
    const authData = concat(
      await sha256(new TextEncoder().encode(rpId)),
      flags,
      uint32(this.nextCounter(ceremony)),
      extensions,
    );
    const signed = concat(authData, await sha256(clientDataJSON));
    const signature = await signAs(this.algorithm, this.keys.privateKey, signed);
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: encodeBase64url(clientDataJSON),
        authenticatorData: encodeBase64url(authData),
        signature: encodeBase64url(signature),
        ...(this.userHandle === undefined ? {} : { userHandle: this.userHandle }),
      },
    };
  }
}

/** A copy of a base64url field's bytes with one bit flipped at `index`. */
export function flipByte(base64url: string, index: number): string {
  const bytes = decodeBase64url(base64url) as Uint8Array;
  bytes[index] = (bytes[index] as number) ^ 0x01;
  return encodeBase64url(bytes);
}
