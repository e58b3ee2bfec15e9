// Hostile usernames at sign-up and log-in (docs/contract.md §4): SQL metacharacters are plain text, look-alike
// spellings share one canonical form (never a second account, and log-in reaches the first one),
// invisible, control and ill-formed characters are refused with a reason.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../../worker/auth/password';
import { normalizePassword } from '../../../worker/auth/password-policy';
import { canonicalUsername, parseUsername } from '../../../worker/auth/username';
import { claimsOf, credentials, freshPassword, postForm, postJson, signUp } from './harness';

/** A short unique tag, so names stay within the 32-character limit. */
let counter = 0;
function tag(): string {
  counter++;
  return `${counter.toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

const fullwidth = (text: string) =>
  [...text]
    .map((c) => (c >= '!' && c <= '~' ? String.fromCodePoint((c.codePointAt(0) as number) + 0xfee0) : c))
    .join('');

async function usersWithCanonicalOf(display: string): Promise<number> {
  const canonical = canonicalUsername(display.trim().normalize('NFC'));
  const row = await env.DB.prepare('SELECT count(*) AS n FROM users WHERE username_canonical = ?')
    .bind(canonical)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe('SQL metacharacters in usernames', () => {
  it('are stored and matched verbatim: sign-up, log-in, and the token names exactly that user', async () => {
    const names = [
      `'; DROP TABLE users;--${tag()}`,
      `admin' OR '1'='1${tag()}`,
      `x" OR ""="${tag()}`,
      `) OR 1=1; --${tag()}`,
      `${tag()}/**/UNION/**/SELECT`,
      `${tag()}\\' --`,
      `\`${tag()}\`; --`,
      `${tag()}%00%27`,
      `${tag()}' || '`,
    ];
    for (const name of names) {
      const password = freshPassword();
      expect((await credentials('/signup', name, password)).status, name).toBe(201);
      const login = await credentials('/login', name, password);
      expect(login.status, name).toBe(200);
      expect(claimsOf(login.text).username, name).toBe(name);
    }
    // The tables are intact and hold each name once.
    for (const table of ['users', 'sessions']) {
      const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>();
      expect(row?.n, table).toBeGreaterThan(0);
    }
    for (const name of names) {
      const row = await env.DB.prepare('SELECT count(*) AS n FROM users WHERE username = ?')
        .bind(name)
        .first<{ n: number }>();
      expect(row?.n, name).toBe(1);
    }
  });

  it('never act as LIKE wildcards at log-in', async () => {
    const t = tag();
    const password = freshPassword();
    await signUp(`wild${t}abc_`, password);
    await signUp(`wild${t}abcd`, password);
    for (const pattern of [
      `wild${t}abc%`,
      `wild${t}%`,
      `wild${t}ab__`,
      `wild${t}abcx`,
      '%%%%',
      '____',
      `%${t}abc_`,
    ]) {
      const response = await credentials('/login', pattern, password);
      expect(response.status, pattern).toBe(401);
    }
    expect((await credentials('/login', `wild${t}abc_`, password)).status).toBe(200);
  });
});

describe('look-alike spellings of one name', () => {
  // The first spelling signs up; every other one must be refused as taken and must log in to it.
  const families: [string, (t: string) => string[]][] = [
    [
      'Kelvin sign K (U+212A)',
      (t) => [`kelvin${t}`, `\u212Aelvin${t}`, `KELVIN${t.toUpperCase()}`, fullwidth(`kelvin${t}`)],
    ],
    [
      'Ångström sign (U+212B) and decomposed Å',
      (t) => [
        `\u00C5ngstr\u00F6m${t}`,
        `\u212Bngstr\u00F6m${t}`,
        `A\u030Angstro\u0308m${t}`,
        `\u00E5NGSTR\u00D6M${t}`,
      ],
    ],
    ['the ligature ﬁ', (t) => [`finish${t}`, `\uFB01nish${t}`, `FINISH${t}`]],
    [
      'no-break, ideographic and en spaces',
      (t) => [`nb sp${t}`, `nb\u00A0sp${t}`, `nb\u3000sp${t}`, `nb\u2002sp${t}`, `  nb sp${t}\u00A0`],
    ],
    [
      'composed and decomposed accents',
      (t) => [`Jos\u00E9${t}`, `Jose\u0301${t}`, `JOS\u00C9${t}`, `jos\u00E9${t}`],
    ],
    ['case', (t) => [`CamelCase${t}`, `camelcase${t}`, `CAMELCASE${t.toUpperCase()}`, `cAmElCaSe${t}`]],
    [
      'fullwidth and mathematical letters',
      (t) => [`bold${t}`, fullwidth(`bold${t}`), `\u{1D41B}\u{1D428}\u{1D425}\u{1D41D}${t}`],
    ],
    ['circled letters and Roman numerals', (t) => [`xii${t}`, `\u216B${t}`, `\u24E7\u24D8\u24D8${t}`]],
    ['dotless i', (t) => [`ivan${t}`, `\u0131van${t}`, `IVAN${t}`]],
    [
      'Greek final sigma',
      // Greek letters only (with digits): a Latin tag would mix scripts, which sign-up refuses.
      (t) => {
        const digits = [...t].map((c) => c.charCodeAt(0) % 10).join('');
        return [
          `${digits}\u03BF\u03B4\u03BF\u03C2`,
          `${digits}\u039F\u0394\u039F\u03A3`,
          `${digits}\u03BF\u03B4\u03BF\u03C3`,
        ];
      },
    ],
    // ẞ (U+1E9E) upper-cases to itself and lower-cases to ß: a fold of upper-then-lower alone leaves
    // "STRAẞE" as "straße" while "Straße" becomes "strasse", two accounts for one name.
    [
      'sharp s and capital sharp s (U+1E9E)',
      (t) => [`stra\u00DFe${t}`, `STRASSE${t}`, `strasse${t}`, `STRA\u1E9EE${t}`, `stra\u1E9Ee${t}`],
    ],
    ['capital sharp s first', (t) => [`GRO\u1E9E${t}`, `gro\u00DF${t}`, `GROSS${t}`, `gross${t}`]],
  ];

  for (const [family, spellings] of families) {
    it(`${family}: one account, 409 for the others, and each spelling logs in to it`, async () => {
      const [first, ...others] = spellings(tag());
      const password = freshPassword();
      expect((await credentials('/signup', first as string, password)).status, first).toBe(201);
      const owner = claimsOf((await credentials('/login', first as string, password)).text);
      for (const other of others) {
        const signup = await credentials('/signup', other, freshPassword(), true);
        expect(signup.status, `sign-up of ${JSON.stringify(other)}`).toBe(409);
        const login = await credentials('/login', other, password, true);
        expect(login.status, `log-in as ${JSON.stringify(other)}`).toBe(200);
        const claims = claimsOf(login.text);
        expect(claims.sub, other).toBe(owner.sub);
        // The display name stays the one chosen at sign-up.
        expect(claims.username, other).toBe(owner.username);
      }
      expect(await usersWithCanonicalOf(first as string)).toBe(1);
    });
  }

  it('never gives a second account to spellings that differ only in spacing or invisible characters', async () => {
    const t = tag();
    const name = `ab cd${t}`;
    await signUp(name, freshPassword());
    for (const other of [
      `ab  cd${t}`,
      `ab\u200Bcd${t}`,
      `\uFEFFab cd${t}`,
      `ab cd${t}\u200B`,
      `ab\tcd${t}`,
      `ab cd${t}\u2800`,
      `\u2800ab cd${t}`,
    ]) {
      const response = await credentials('/signup', other, freshPassword(), true);
      expect([400, 409], JSON.stringify(other)).toContain(response.status);
    }
  });
});

describe('mixed-script look-alikes', () => {
  it('are refused at sign-up with a reason, in both encodings', async () => {
    for (const name of [`p\u0430ypal${tag()}`, `amaz\u03BFn${tag()}`, `${tag()}\u0430dmin`]) {
      for (const json of [false, true]) {
        const response = await credentials('/signup', name, freshPassword(), json);
        expect(response.status, name).toBe(400);
        expect(response.problem?.detail).toMatch(/mixes writing systems/);
        expect(await usersWithCanonicalOf(name)).toBe(0);
      }
    }
  });

  it('registered before the rule, still log in (the rule is for new names only)', async () => {
    const name = `p\u0430ypal${tag()}`;
    const password = freshPassword();
    const hash = await hashPassword(normalizePassword(password), 100_000);
    await env.DB.prepare(
      'INSERT INTO users (id, username, username_canonical, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
    )
      .bind(crypto.randomUUID(), name, canonicalUsername(name), hash, 1_700_000_000)
      .run();
    const login = await credentials('/login', name, password);
    expect(login.status).toBe(200);
    expect(claimsOf(login.text).username).toBe(name);
    // Its Latin look-alike is another name, which may not take it over.
    expect((await credentials('/login', name.replace('\u0430', 'a'), password)).status).toBe(401);
  });
});

describe('invisible, control and ill-formed characters', () => {
  const refused: [string, string][] = [
    ['zero-width space', '\u200B'],
    ['zero-width non-joiner', '\u200C'],
    ['zero-width joiner', '\u200D'],
    ['word joiner', '\u2060'],
    ['zero-width no-break space inside', '\uFEFF'],
    ['soft hyphen', '\u00AD'],
    ['combining grapheme joiner', '\u034F'],
    ['Mongolian vowel separator', '\u180E'],
    ['variation selector 16', '\uFE0F'],
    ['tag letter A', '\u{E0041}'],
    ['right-to-left override', '\u202E'],
    ['left-to-right isolate', '\u2066'],
    ['pop directional isolate', '\u2069'],
    ['left-to-right mark', '\u200E'],
    ['Arabic letter mark', '\u061C'],
    ['NUL', '\u0000'],
    ['BEL', '\u0007'],
    ['ESC', '\u001B'],
    ['DEL', '\u007F'],
    ['NEL', '\u0085'],
    ['tab', '\t'],
    ['line feed', '\n'],
    ['carriage return', '\r'],
    ['line separator', '\u2028'],
    ['paragraph separator', '\u2029'],
    ['ogham space mark', '\u1680'],
    ['Hangul filler', '\u3164'],
    ['Hangul choseong filler', '\u115F'],
    ['halfwidth Hangul filler', '\uFFA0'],
    ['private use', '\uE000'],
    ['unassigned', '\u0378'],
    // Blank glyphs that Unicode classes as visible symbols: "alice⠀" renders exactly like "alice".
    ['Braille pattern blank', '\u2800'],
    ['musical null notehead', '\u{1D159}'],
  ];

  it('are refused with a reason at sign-up and at log-in, wherever they are in the name', async () => {
    for (const [label, char] of refused) {
      for (const name of [`in${char}side${tag()}`, `${tag()}end${char}x`]) {
        const signup = await credentials('/signup', name, freshPassword(), true);
        expect(signup.status, `sign-up, ${label}`).toBe(400);
        expect(signup.problem?.detail, label).toMatch(/control|invisible|unassigned|white space/i);
        const login = await credentials('/login', name, freshPassword(), true);
        expect(login.status, `log-in, ${label}`).toBe(400);
      }
    }
  });

  it('refuses ill-formed UTF-16 sent as JSON escapes, and bad UTF-8 sent as a form', async () => {
    for (const escaped of ['\\ud800', '\\udfff', '\\udc00\\ud800', '\\ud83d']) {
      for (const path of ['/signup', '/login'] as const) {
        const response = await postJson(
          path,
          `{"username":"lone${escaped}${tag()}","password":"${freshPassword()}"}`,
        );
        expect(response.status, `${path} ${escaped}`).toBe(400);
        expect(response.problem?.detail).toMatch(/ill-formed|UTF/i);
      }
    }
    for (const bytes of ['%ED%A0%80', '%C0%AF', '%FF', '%E2%82']) {
      const form = await postForm('/signup', `username=bad${bytes}name${tag()}&password=${freshPassword()}`);
      expect(form.status, bytes).toBe(400);
      expect(form.problem?.detail).toMatch(/percent-encoding|UTF-8/);
    }
  });

  it('counts the length in characters after composition, at both ends of the range', async () => {
    const four = () => tag().slice(0, 4).padEnd(4, 'z');
    const shared = four();
    const cases: [string, number][] = [
      ['\u{1F98A}\u{1F98A}\u{1F98A}', 400],
      ['e\u0301e\u0301', 400],
      [`${'\u{1D400}'.repeat(28)}${four()}`, 201],
      [`${'\u{1D400}'.repeat(29)}${four()}`, 400],
      [`${'\u00E9'.repeat(28)}${shared}`, 201],
      // The same name decomposed: 60 code points as typed, 32 characters once composed.
      [`${'e\u0301'.repeat(28)}${shared}`, 409],
    ];
    for (const [name, status] of cases) {
      const response = await credentials('/signup', name, freshPassword());
      expect(response.status, `${JSON.stringify(name)} (${[...name].length} code points)`).toBe(status);
    }
  });
});

describe('canonicalUsername', () => {
  it('is a fixed point and ignores case, for every code point a name may hold', () => {
    const broken: string[] = [];
    for (let cp = 0x20; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const name = parseUsername(`ab${String.fromCodePoint(cp)}cd`);
      if (!name.ok) continue;
      const { display, canonical } = name;
      if (
        canonicalUsername(canonical) !== canonical ||
        canonicalUsername(display.toUpperCase()) !== canonical ||
        canonicalUsername(display.toLowerCase()) !== canonical
      ) {
        broken.push(`U+${cp.toString(16).toUpperCase()}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
