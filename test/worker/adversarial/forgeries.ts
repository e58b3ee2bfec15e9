// One catalogue of hostile tokens, replayed at the unit level (verifyJwt / readAccessToken) and at the
// HTTP level (GET /data). Most are signed correctly with OUR secret: the point is that a valid HMAC
// is not enough, the header must be the exact one we issue and the claims must be well-formed.
import { b64, forge, hmac, utf8 } from './harness';

export interface Base {
  /** The header segment we issue, byte for byte. */
  readonly header: string;
  readonly kid: string;
  /** Valid claims (`sub`, `sid`, `username`, `iat`, `exp`); the token built from them must be accepted. */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly secret: string;
  /** Unix seconds. */
  readonly now: number;
}

export interface Forgery {
  readonly label: string;
  readonly token: string;
  /**
   * True when only the access-token layer refuses it (`sub`/`sid`/`username` of the wrong type):
   * the JWT itself is well-formed and verifyJwt alone would accept it.
   */
  readonly claimsLayer?: boolean;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Other spellings of the same bytes (or near misses) that a strict base64url decoder must refuse. */
export function nonCanonical(segment: string): { label: string; text: string }[] {
  const out: { label: string; text: string }[] = [];
  const padding = '='.repeat((4 - (segment.length % 4)) % 4 || 4);
  out.push({ label: 'padded', text: `${segment}${padding}` });
  out.push({ label: 'one "="', text: `${segment}=` });
  if (segment.length % 4 === 2 || segment.length % 4 === 3) {
    // The last character carries unused low bits; setting one decodes (leniently) to the same bytes.
    const last = ALPHABET.indexOf(segment.at(-1) as string);
    const sibling = ALPHABET[last | 1] === segment.at(-1) ? ALPHABET[last ^ 1] : ALPHABET[last | 1];
    out.push({ label: 'non-zero trailing bits', text: `${segment.slice(0, -1)}${sibling}` });
  }
  const standard = segment.replaceAll('-', '+').replaceAll('_', '/');
  if (standard !== segment) out.push({ label: 'standard alphabet', text: standard });
  out.push({ label: 'inner space', text: `${segment.slice(0, 4)} ${segment.slice(4)}` });
  out.push({ label: 'inner newline', text: `${segment.slice(0, 4)}\n${segment.slice(4)}` });
  out.push({ label: 'percent-encoded', text: `%${segment.charCodeAt(0).toString(16)}${segment.slice(1)}` });
  out.push({ label: 'non-ASCII digit', text: `${segment.slice(0, -1)}\u0660` });
  out.push({ label: 'fullwidth letter', text: `\uFF21${segment.slice(1)}` });
  return out;
}

/** The raw JSON of a claims object with one member replaced by raw JSON text (or removed). */
function claimsWith(
  claims: Readonly<Record<string, unknown>>,
  name: string,
  rawValue: string | null,
): string {
  const members = Object.entries(claims)
    .filter(([key]) => key !== name)
    .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
  if (rawValue !== null) members.push(`${JSON.stringify(name)}:${rawValue}`);
  return `{${members.join(',')}}`;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function randomSignature(bytes: number): string {
  return b64(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function forgeries(base: Base): Promise<Forgery[]> {
  const { header, kid, claims, secret, now } = base;
  const payload = b64(claims);
  const sign = (h: string, p: string, hash = 'SHA-256', key = secret) => forge(h, p, key, hash);
  const list: Forgery[] = [];
  const add = (label: string, token: string, claimsLayer = false) =>
    list.push(claimsLayer ? { label, token, claimsLayer } : { label, token });

  // alg: none, in every spelling, with no, empty and valid-HMAC signatures.
  const noneSpellings: unknown[] = ['none', 'None', 'NONE', 'nOnE', 'NoNe', 'none ', ' none', 'none\u0000'];
  noneSpellings.push('', null, ['none'], { name: 'none' }, 0, false);
  for (const alg of noneSpellings) {
    for (const withKid of [false, true]) {
      const h = b64(withKid ? { alg, typ: 'JWT', kid } : { alg, typ: 'JWT' });
      const name = `alg ${JSON.stringify(alg)}${withKid ? ' with our kid' : ''}`;
      add(`${name}, no signature`, `${h}.${payload}.`);
      add(`${name}, two segments`, `${h}.${payload}`);
      add(`${name}, signed with our secret`, await sign(h, payload));
    }
  }

  // Other algorithms, the signature computed with our secret.
  for (const [alg, hash] of [
    ['HS384', 'SHA-384'],
    ['HS512', 'SHA-512'],
    ['HS256', 'SHA-384'],
    ['HS256', 'SHA-512'],
    ['HS256', 'SHA-1'],
    ['HS1', 'SHA-1'],
  ] as const) {
    add(`${alg} header, HMAC-${hash}`, await sign(b64({ alg, typ: 'JWT', kid }), payload, hash));
  }
  // Algorithm confusion: asymmetric names over an HMAC made with our secret (as if it were a public key).
  for (const alg of ['RS256', 'RS512', 'ES256', 'ES384', 'PS256', 'EdDSA', 'ES256K', 'Ed25519']) {
    add(`${alg} header, HMAC-SHA-256 with our secret`, await sign(b64({ alg, typ: 'JWT', kid }), payload));
    add(`${alg} header, HMAC-SHA-256, no kid`, await sign(b64({ alg, typ: 'JWT' }), payload));
  }
  add(
    'RS256 header, random 256-byte signature',
    `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${payload}.${randomSignature(256)}`,
  );
  add(
    'ES256 header, random 64-byte signature',
    `${b64({ alg: 'ES256', typ: 'JWT', kid })}.${payload}.${randomSignature(64)}`,
  );
  for (const alg of ['hs256', 'HS256 ', 'HS-256', 'HMAC-SHA256', 'HS2560']) {
    add(`alg ${JSON.stringify(alg)}`, await sign(b64({ alg, typ: 'JWT', kid }), payload));
  }

  // Stripped, blank, truncated or otherwise wrong signatures on our exact header and valid claims.
  const good = await sign(header, payload);
  const signature = good.slice(good.lastIndexOf('.') + 1);
  add('no signature segment', `${header}.${payload}`);
  add('empty signature', `${header}.${payload}.`);
  add('two empty segments', `${header}.${payload}..`);
  for (const cut of [1, 2, 3, 4, 22, 42])
    add(`signature cut by ${cut}`, `${header}.${payload}.${signature.slice(0, -cut)}`);
  add('signature + "A"', `${header}.${payload}.${signature}A`);
  add('signature + "AAAA"', `${header}.${payload}.${signature}AAAA`);
  add('signature doubled', `${header}.${payload}.${signature}${signature}`);
  add('all-zero signature', `${header}.${payload}.${b64(new Uint8Array(32))}`);
  add('signature of the payload alone', `${header}.${payload}.${await hmac(payload, secret)}`);
  add('signature of the header alone', `${header}.${payload}.${await hmac(header, secret)}`);
  add(
    'signature of the signing input with a trailing dot',
    `${header}.${payload}.${await hmac(`${header}.${payload}.`, secret)}`,
  );
  add('signature segment swapped with the payload', `${header}.${signature}.${payload}`);
  add('header and payload swapped', `${payload}.${header}.${signature}`);
  for (const variant of nonCanonical(signature))
    add(`signature ${variant.label}`, `${header}.${payload}.${variant.text}`);

  // Tokens signed with secrets that are not ours, under our exact header.
  for (const [label, other] of [
    ['another secret', `other-${secret}`],
    [
      'our secret with a different case',
      secret.toUpperCase() === secret ? secret.toLowerCase() : secret.toUpperCase(),
    ],
    ['a prefix of our secret', secret.slice(0, -1)],
    ['our kid as the secret', kid],
    ['the header as the secret', header],
  ] as const) {
    add(`our header, signed with ${label}`, await sign(header, payload, 'SHA-256', other));
  }

  // Embedded keys and key URLs: the attacker's own key, even with the signature made with it.
  const attackerKey = 'attacker-controlled-key-0123456789abcdef';
  const jwk = { kty: 'oct', k: b64(attackerKey), alg: 'HS256' };
  add(
    'jwk header with the attacker key, signed with it',
    await sign(b64({ alg: 'HS256', typ: 'JWT', kid, jwk }), payload, 'SHA-256', attackerKey),
  );
  add(
    'jwk header with the attacker key, no kid',
    await sign(b64({ alg: 'HS256', typ: 'JWT', jwk }), payload, 'SHA-256', attackerKey),
  );
  add(
    'jwk header holding our own secret, signed with it',
    await sign(b64({ alg: 'HS256', typ: 'JWT', kid, jwk: { kty: 'oct', k: b64(secret) } }), payload),
  );
  for (const [name, value] of [
    ['jku', 'https://attacker.example/jwks.json'],
    ['x5u', 'https://attacker.example/cert.pem'],
    ['x5c', ['MIIBszCCAVmgAwIBAgIU']],
    ['x5t', 'dGh1bWJwcmludA'],
    ['crit', ['exp']],
    ['crit', []],
    ['cty', 'JWT'],
    ['zip', 'DEF'],
    ['enc', 'A128GCM'],
    ['b64', true],
  ] as const) {
    add(
      `${name} header member, signed with our secret`,
      await sign(b64({ alg: 'HS256', typ: 'JWT', kid, [name]: value }), payload),
    );
    add(
      `${name} header member, signed with the attacker key`,
      await sign(b64({ alg: 'HS256', typ: 'JWT', kid, [name]: value }), payload, 'SHA-256', attackerKey),
    );
  }
  // RFC 7797 unencoded payload: the signing input is the raw JSON, attached or detached.
  const b64False = b64({ alg: 'HS256', typ: 'JWT', kid, b64: false, crit: ['b64'] });
  const rawClaims = JSON.stringify(claims);
  add('b64:false, detached payload', `${b64False}..${await hmac(`${b64False}.${rawClaims}`, secret)}`);
  add(
    'b64:false, attached raw payload',
    `${b64False}.${rawClaims}.${await hmac(`${b64False}.${rawClaims}`, secret)}`,
  );
  add('b64:false header over an encoded payload', await sign(b64False, payload));

  // kid injection, all signed with our secret.
  for (const value of [
    '../../../../../../dev/null',
    '/dev/null',
    '..%2f..%2f..%2fetc%2fpasswd',
    "' OR '1'='1",
    "x' UNION SELECT 'secret' --",
    '1; DROP TABLE sessions; --',
    '',
    'unknown-kid',
    kid.toUpperCase() === kid ? kid.toLowerCase() : kid.toUpperCase(),
    `${kid} `,
    `${kid}\u0000`,
    null,
    0,
    [kid],
    { kid },
  ]) {
    add(`kid ${JSON.stringify(value)}`, await sign(b64({ alg: 'HS256', typ: 'JWT', kid: value }), payload));
  }

  // Our header's members in another order, with other spacing or escapes, or duplicated: same meaning,
  // other bytes, and (when duplicated) possibly another meaning in a lenient parser.
  const ours = { alg: 'HS256', typ: 'JWT', kid };
  for (const order of [
    ['alg', 'kid', 'typ'],
    ['typ', 'alg', 'kid'],
    ['typ', 'kid', 'alg'],
    ['kid', 'alg', 'typ'],
    ['kid', 'typ', 'alg'],
  ] as const) {
    const reordered = Object.fromEntries(order.map((key) => [key, ours[key]]));
    add(`our kid, members in the order ${order.join(',')}`, await sign(b64(reordered), payload));
  }
  const ourJson = JSON.stringify(ours);
  for (const [label, text] of [
    ['spaces after colons', ourJson.replaceAll(':', ': ')],
    ['pretty-printed', JSON.stringify(ours, null, 2)],
    ['trailing newline', `${ourJson}\n`],
    ['leading space', ` ${ourJson}`],
    ['a BOM', `\uFEFF${ourJson}`],
    ['an escaped member name', ourJson.replace('"alg"', '"\\u0061lg"')],
    ['an escaped value', ourJson.replace('"HS256"', '"\\u0048S256"')],
    ['alg none then HS256', `{"alg":"none",${ourJson.slice(1)}`],
    ['alg HS256 then none', `${ourJson.slice(0, -1)},"alg":"none"}`],
    ['kid twice', `${ourJson.slice(0, -1)},"kid":"unknown-kid"}`],
    ['typ lowercase', JSON.stringify({ ...ours, typ: 'jwt' })],
    ['typ at+jwt', JSON.stringify({ ...ours, typ: 'at+jwt' })],
    ['typ JWE', JSON.stringify({ ...ours, typ: 'JWE' })],
    ['no typ', JSON.stringify({ alg: 'HS256', kid })],
    ['the tutorial header (no kid)', JSON.stringify({ alg: 'HS256', typ: 'JWT' })],
    ['an array', JSON.stringify([ours])],
    ['not JSON', 'HS256'],
  ] as const) {
    add(`header with ${label}, signed with our secret`, await sign(b64(text), payload));
  }
  add('header segment that is not base64url at all', await sign('{"alg":"HS256"}', payload));
  for (const variant of nonCanonical(header)) {
    add(`our header ${variant.label}, signed over it`, await sign(variant.text, payload));
  }

  // Claims of the wrong type or out of range, otherwise valid, signed with our secret.
  const exp = claims.exp as number;
  const claimCases: [string, string | null][] = [
    ['exp', null],
    ['exp', JSON.stringify(String(exp))],
    ['exp', 'true'],
    ['exp', 'null'],
    ['exp', `[${exp}]`],
    ['exp', `{"value":${exp}}`],
    ['exp', '1e400'],
    ['exp', '-1e400'],
    ['exp', '-1'],
    ['exp', '0'],
    ['exp', String(now - 3600)],
    ['exp', '"Infinity"'],
    ['nbf', '1e400'],
    ['nbf', '"0"'],
    ['nbf', 'null'],
    ['nbf', String(now + 3600)],
    ['iat', '1e400'],
    ['iat', '"x"'],
    ['iat', 'true'],
    ['iat', String(now + 3600)],
    ['iat', String(exp + 1)],
  ];
  for (const [name, raw] of claimCases) {
    add(`${name} ${raw === null ? 'missing' : raw}`, await sign(header, b64(claimsWith(claims, name, raw))));
  }
  // The identity claims, which only the access-token layer reads.
  for (const [name, raw] of [
    ['sub', null],
    ['sub', '42'],
    ['sub', 'null'],
    ['sub', `[${JSON.stringify(claims.sub)}]`],
    ['sid', null],
    ['sid', '7'],
    ['sid', `{"id":${JSON.stringify(claims.sid)}}`],
    ['username', null],
    ['username', 'false'],
  ] as const) {
    add(
      `${name} ${raw === null ? 'missing' : raw}`,
      await sign(header, b64(claimsWith(claims, name, raw))),
      true,
    );
  }
  // Duplicate members: a parser that reads one occurrence and checks another would let these in.
  const json = JSON.stringify(claims);
  add('exp valid, then expired again', await sign(header, b64(`${json.slice(0, -1)},"exp":${now - 3600}}`)));
  add('exp valid, then a string', await sign(header, b64(`${json.slice(0, -1)},"exp":"${exp}"}`)));

  // Payloads that are not a JSON object.
  for (const text of [
    '[]',
    `[${json}]`,
    '"claims"',
    '42',
    'null',
    'true',
    '',
    ' ',
    '{}',
    `${json}x`,
    `${json},{}`,
  ]) {
    add(`payload ${JSON.stringify(text.slice(0, 20))}`, await sign(header, b64(text)));
  }

  // Payloads that are not UTF-8, or carry a BOM: the only flaw is in one string's bytes.
  const before = utf8.encode(`${json.slice(0, -1)},"note":"`);
  const after = utf8.encode('"}');
  for (const [label, bytes] of [
    ['a stray 0xFF', [0xff]],
    ['a lone continuation byte', [0x80]],
    ['an overlong "/"', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['a 5-byte sequence', [0xf8, 0x88, 0x80, 0x80, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ] as const) {
    add(`payload with ${label}`, await sign(header, b64(concat(before, new Uint8Array(bytes), after))));
  }
  add(
    'payload with a BOM',
    await sign(header, b64(concat(new Uint8Array([0xef, 0xbb, 0xbf]), utf8.encode(json)))),
  );

  // Our payload spelled another way, the signature computed over that spelling.
  for (const variant of nonCanonical(payload)) {
    add(`payload ${variant.label}, signed over it`, await sign(header, variant.text));
  }

  // Shapes.
  add('four segments', `${good}.${signature}`);
  add('a fifth, JWE-like layout', `${header}.${payload}.${payload}.${payload}.${signature}`);
  add('empty header segment', `.${payload}.${signature}`);
  add('empty payload segment', await sign(header, ''));
  add('leading dot', `.${good}`);
  add('trailing dot', `${good}.`);
  return list;
}

/** Valid tokens that must be accepted, proving the forger and the catalogue's base are right. */
export async function controls(base: Base): Promise<{ label: string; token: string }[]> {
  const { header, claims, secret } = base;
  const json = JSON.stringify(claims);
  return [
    { label: 'our claims re-signed', token: await forge(header, b64(claims), secret) },
    {
      label: 'raw UTF-8 (not ASCII-escaped) in a claim',
      token: await forge(header, b64(`${json.slice(0, -1)},"note":"café 🦊"}`), secret),
    },
    {
      label: 'members in another order and an extra claim',
      token: await forge(header, b64({ extra: [1, { a: null }], ...claims }), secret),
    },
  ];
}
