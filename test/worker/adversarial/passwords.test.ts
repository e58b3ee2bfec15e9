// The password policy over HTTP (docs/contract.md §4, NIST SP 800-63B): length in code points, a byte maximum
// checked before hashing, ill-formed Unicode refused, and no truncation anywhere.
import { describe, expect, it } from 'vitest';
import { credentials, freshName, postForm, postJson } from './harness';

const FOX = '\u{1F98A}'; // 4 UTF-8 bytes, 2 UTF-16 units, 1 code point
const EURO = '\u20AC'; // 3 UTF-8 bytes, 1 UTF-16 unit

/** Printable ASCII, random, so no policy refuses it and it never occurs in a response by chance. */
function randomAscii(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (byte) => String.fromCharCode(0x21 + (byte % 94))).join('');
}

describe('password length', () => {
  it('is counted in code points, not UTF-16 units or bytes', async () => {
    const short = await credentials('/signup', freshName(), FOX.repeat(7));
    expect(short.status).toBe(400);
    expect(short.problem?.detail).toMatch(/at least 8/);
    const name = freshName();
    expect((await credentials('/signup', name, FOX.repeat(8))).status).toBe(201);
    expect((await credentials('/login', name, FOX.repeat(8))).status).toBe(200);
  });

  it('is capped at 1,024 UTF-8 bytes, whatever the characters, at sign-up and at log-in', async () => {
    const cases: [string, number][] = [
      [randomAscii(1024), 201],
      [randomAscii(1025), 400],
      [FOX.repeat(256), 201], // 1,024 bytes in 512 UTF-16 units
      [`${FOX.repeat(256)}a`, 400],
      [`${EURO.repeat(341)}a`, 201], // 1,024 bytes in 342 UTF-16 units
      [EURO.repeat(342), 400], // 1,026 bytes in only 342 UTF-16 units
    ];
    for (const [password, status] of cases) {
      const label = `${password.length} units, ${new TextEncoder().encode(password).length} bytes`;
      const name = freshName();
      const signup = await credentials('/signup', name, password);
      expect(signup.status, label).toBe(status);
      if (status === 400) {
        expect(signup.problem?.detail, label).toMatch(/at most 1024 bytes/);
        // Log-in refuses it before any hashing too: 400, not 401.
        expect((await credentials('/login', name, password, true)).status, label).toBe(400);
      } else {
        expect((await credentials('/login', name, password, true)).status, label).toBe(200);
      }
    }
  });
});

describe('ill-formed Unicode in passwords', () => {
  it('is refused with a reason when sent as JSON escapes, at sign-up and at log-in', async () => {
    for (const escaped of ['\\ud800', '\\udfff', '\\udc00\\ud800', 'abcdefgh\\ud83d', '\\ude0aabcdefgh']) {
      for (const path of ['/signup', '/login'] as const) {
        const response = await postJson(
          path,
          `{"username":"${freshName()}","password":"${escaped}xyzxyzxyz"}`,
        );
        expect(response.status, `${path} ${escaped}`).toBe(400);
        expect(response.problem?.detail, escaped).toMatch(/ill-formed/);
      }
    }
  });

  it('is refused when sent as percent-encoded bad UTF-8 in a form', async () => {
    for (const bytes of ['%ED%A0%80', '%F0%9F%A6', '%C0%AF', '%FE%FF']) {
      const response = await postForm('/signup', `username=${freshName()}&password=abcdefgh${bytes}`);
      expect(response.status, bytes).toBe(400);
    }
  });
});

describe('no truncation', () => {
  it('a password differing only at byte 1000, or at its last byte, or cut short, does not log in', async () => {
    const name = freshName();
    const password = randomAscii(1024);
    expect((await credentials('/signup', name, password)).status).toBe(201);
    const flip = (text: string, at: number) =>
      `${text.slice(0, at)}${text[at] === 'x' ? 'y' : 'x'}${text.slice(at + 1)}`;
    const wrong = [
      flip(password, 999),
      flip(password, 1000),
      flip(password, 1023),
      password.slice(0, 1000),
      password.slice(0, 1023),
      password.slice(0, 72), // bcrypt's limit
      password.slice(0, 64), // HMAC block size
      `${password.slice(0, 1000)}${password.slice(1001)}`,
    ];
    for (const attempt of wrong) {
      expect((await credentials('/login', name, attempt)).status, `${attempt.length} characters`).toBe(401);
    }
    expect((await credentials('/login', name, password)).status).toBe(200);
  });

  it('a multi-byte password differing only in its last character does not log in', async () => {
    const name = freshName();
    const password = `${FOX.repeat(255)}\u00E9`;
    expect((await credentials('/signup', name, password, true)).status).toBe(201);
    expect((await credentials('/login', name, `${FOX.repeat(255)}\u00E8`, true)).status).toBe(401);
    expect((await credentials('/login', name, FOX.repeat(255), true)).status).toBe(401);
    expect((await credentials('/login', name, password)).status).toBe(200);
  });
});

describe('password content', () => {
  it('round-trips every special character through both encodings', async () => {
    const password = `a&b=c+d%20e#f;g'h"i\\j\u0000k\nl\tm ${FOX} n\u00A0o/p?q`;
    const name = freshName();
    expect((await credentials('/signup', name, password)).status).toBe(201);
    expect((await credentials('/login', name, password, true)).status).toBe(200);
    expect((await credentials('/login', name, password)).status).toBe(200);
    // A near miss that a sloppy decoder could confuse with it ("+" read as a space, "%20" decoded twice).
    expect((await credentials('/login', name, password.replace('c+d%20e', 'c d e'))).status).toBe(401);
  });

  it('matches the same password typed in another Unicode form (NFKC), and nothing looser', async () => {
    const name = freshName();
    const password = `caf\u00E9 \uFF21\uFF22\uFF23 ${randomAscii(8)}`;
    expect((await credentials('/signup', name, password)).status).toBe(201);
    const decomposed = password.replace('\u00E9', 'e\u0301').replace('\uFF21\uFF22\uFF23', 'ABC');
    expect((await credentials('/login', name, decomposed)).status).toBe(200);
    // Case is not folded in passwords.
    expect((await credentials('/login', name, password.replace('\uFF21\uFF22\uFF23', 'abc'))).status).toBe(
      401,
    );
  });

  it('refuses a password containing the username, whatever spelling of the name it uses', async () => {
    const name = `Kelvin${freshName()}`;
    for (const password of [`xx${name}yy`, `xx${name.toUpperCase()}yy`, `xx\u212A${name.slice(1)}yy`]) {
      const response = await credentials('/signup', name, password);
      expect(response.status, password).toBe(400);
      expect(response.problem?.detail).toMatch(/username/);
    }
  });

  it('refuses common passwords with a reason, in any case or width', async () => {
    for (const password of [
      'password',
      'PASSWORD',
      'Password',
      '\uFF50\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44',
    ]) {
      const response = await credentials('/signup', freshName(), password);
      expect(response.status, password).toBe(400);
      expect(response.problem?.detail, password).toMatch(/common/i);
    }
  });

  it('sees through white space and cheap decorations around a common password', async () => {
    for (const password of [
      'password ',
      '  password  ',
      'pass  word',
      'pass word',
      'i love you',
      'password1!',
      'Password2024',
      'password!!!',
      'sunshine?',
      '123password',
      '2024sunshine!',
      ' Iloveyou 123 ',
    ]) {
      const response = await credentials('/signup', freshName(), password);
      expect(response.status, JSON.stringify(password)).toBe(400);
      expect(response.problem?.detail, password).toMatch(/common/i);
    }
    // A common word inside a longer passphrase, or decorated in the middle, is not what the list covers.
    for (const password of ['password manager rules', 'sunshine over the hills', 'my sunshine password']) {
      expect((await credentials('/signup', freshName(), password)).status, password).toBe(201);
    }
  });
});
