import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { mediaTypeOf, parseForm, parseJsonObject, readFields, readStringFields } from './body';
import { ProblemError } from './problem';

function post(body: string, contentType: string | null): Request {
  const headers: Record<string, string> = contentType === null ? {} : { 'Content-Type': contentType };
  return new Request('https://gatehouse.test/signup', { method: 'POST', body, headers });
}

async function problemOf(promise: Promise<unknown>): Promise<ProblemError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('expected a ProblemError');
}

describe('mediaTypeOf', () => {
  it('ignores case and parameters', () => {
    expect(mediaTypeOf('application/x-www-form-urlencoded; charset=utf-8')).toBe('form');
    expect(mediaTypeOf('Application/JSON;charset=UTF-8')).toBe('json');
    expect(mediaTypeOf('text/plain')).toBeNull();
    expect(mediaTypeOf('multipart/form-data; boundary=x')).toBeNull();
    expect(mediaTypeOf(null)).toBeNull();
  });
});

describe('parseForm', () => {
  it("decodes Dart's form encoding", () => {
    const fields = parseForm('username=jos%C3%A9+ram%C3%ADrez&password=p%40ss+w%2Brd%26%3D');
    expect(fields.get('username')).toBe('josé ramírez');
    expect(fields.get('password')).toBe('p@ss w+rd&=');
  });

  it('refuses repeated fields and malformed percent-encoding', () => {
    expect(() => parseForm('username=a&username=b')).toThrow(/repeated/);
    expect(() => parseForm('username=%E9')).toThrow(/percent/);
    expect(() => parseForm('username=%ZZ')).toThrow(/percent/);
  });
});

describe('parseJsonObject', () => {
  it('refuses duplicate keys, including escaped spellings of the same key', () => {
    expect(() => parseJsonObject('{"username":"a","username":"b"}')).toThrow(/repeated/);
    expect(() => parseJsonObject('{"username":"a","user\\u006eame":"b"}')).toThrow(/repeated/);
    expect(parseJsonObject('{"a":{"x":1,"x":2},"b":"\\"x\\":"}').get('b')).toBe('"x":');
  });

  it('refuses non-objects and malformed JSON', () => {
    for (const text of ['[]', 'null', '"x"', '1', '{', ''])
      expect(() => parseJsonObject(text), text).toThrow(ProblemError);
  });
});

describe('readStringFields', () => {
  it('reads the same fields from both encodings', async () => {
    const fromForm = await readStringFields(
      post('username=alice&password=secret123', 'application/x-www-form-urlencoded'),
      ['username', 'password'],
    );
    const fromJson = await readStringFields(
      post('{"username":"alice","password":"secret123"}', 'application/json'),
      ['username', 'password'],
    );
    expect(fromForm).toEqual({ username: 'alice', password: 'secret123' });
    expect(fromJson).toEqual(fromForm);
  });

  it('answers 415 for other media types', async () => {
    expect(await problemOf(readStringFields(post('x', 'text/plain'), ['username']))).toMatchObject({
      type: 'unsupported-media-type',
      detail: 'Send application/x-www-form-urlencoded or application/json.',
    });
  });

  it('answers 415 saying so when Content-Type is missing', async () => {
    // A byte body, unlike a string, gets no Content-Type from the Request constructor.
    const untyped = new Request('https://gatehouse.test/login', {
      method: 'POST',
      body: new TextEncoder().encode('{"username":"alice","password":"secret123"}'),
    });
    expect(untyped.headers.get('Content-Type')).toBeNull();
    expect(await problemOf(readStringFields(untyped, ['username', 'password']))).toMatchObject({
      type: 'unsupported-media-type',
      detail:
        'The Content-Type header is missing: send application/x-www-form-urlencoded or application/json.',
    });
  });

  it("answers 415 naming the fix for JSON sent as a form (curl -d's default type)", async () => {
    for (const body of ['{"username":"alice","password":"secret123"}', ' {"password":"x"}']) {
      const problem = await problemOf(
        readStringFields(post(body, 'application/x-www-form-urlencoded'), ['username', 'password']),
      );
      expect(problem.type, body).toBe('unsupported-media-type');
      expect(problem.detail).toMatch(/looks like JSON .* send Content-Type: application\/json/);
    }
  });

  it('answers 400 naming the required fields for an empty body, whatever its type', async () => {
    const empty = (contentType: string | null) =>
      new Request('https://gatehouse.test/', {
        method: 'POST',
        ...(contentType === null ? {} : { headers: { 'Content-Type': contentType } }),
      });
    for (const type of [null, 'application/json', 'application/x-www-form-urlencoded', 'text/plain']) {
      const login = await problemOf(readStringFields(empty(type), ['username', 'password']));
      expect(login, String(type)).toMatchObject({
        type: 'invalid-request',
        detail:
          'The body is empty: send "username" and "password" as application/x-www-form-urlencoded or application/json.',
      });
    }
    expect((await problemOf(readStringFields(empty(null), ['password']))).detail).toMatch(
      /^The body is empty: send "password" as /,
    );
  });

  it('answers 400 with a reason for missing fields, wrong types and bad bytes', async () => {
    const cases: [string, string, RegExp][] = [
      ['{"username":"alice"}', 'application/json', /"password" is required/],
      ['{"username":["alice"],"password":"x"}', 'application/json', /"username" must be a string/],
      ['{"username":{"a":1},"password":"x"}', 'application/json', /must be a string/],
      ['{"username":42,"password":"x"}', 'application/json', /must be a string/],
      ['{"username":null,"password":"x"}', 'application/json', /must be a string/],
      ['username=alice', 'application/x-www-form-urlencoded', /"password" is required/],
    ];
    for (const [body, type, reason] of cases) {
      const problem = await problemOf(readStringFields(post(body, type), ['username', 'password']));
      expect(problem.type, body).toBe('invalid-request');
      expect(problem.detail, body).toMatch(reason);
    }
    const invalidUtf8 = new Request('https://gatehouse.test/', {
      method: 'POST',
      body: new Uint8Array([0x7b, 0xff, 0x7d]),
      headers: { 'Content-Type': 'application/json' },
    });
    expect((await problemOf(readStringFields(invalidUtf8, ['username']))).detail).toMatch(/UTF-8/);
  });
});

describe('readFields', () => {
  const Login = v.object({
    username: v.string(),
    password: v.string(),
    device_token: v.optional(v.string()),
  });

  it('reads optional fields when present and leaves them out when not', async () => {
    const json = 'application/json';
    expect(await readFields(post('{"username":"a","password":"b","device_token":""}', json), Login)).toEqual({
      username: 'a',
      password: 'b',
      device_token: '',
    });
    expect(await readFields(post('{"username":"a","password":"b","other":1}', json), Login)).toEqual({
      username: 'a',
      password: 'b',
    });
    const wrongType = await problemOf(
      readFields(post('{"username":"a","password":"b","device_token":1}', json), Login),
    );
    expect(wrongType).toMatchObject({
      type: 'invalid-request',
      detail: 'The field "device_token" must be a string.',
    });
  });

  it('names the first failing field in the order of the schema', async () => {
    const problem = await problemOf(readFields(post('{"password":1}', 'application/json'), Login));
    expect(problem.detail).toBe('The field "username" is required.');
  });

  it('answers 415 for JSON sent as a form even when only an optional field is missing from it', async () => {
    const form = 'application/x-www-form-urlencoded';
    const problem = await problemOf(readFields(post('{&username=a&password=b', form), Login));
    expect(problem.type).toBe('unsupported-media-type');
    expect(await readFields(post('username=a&password=b', form), Login)).toEqual({
      username: 'a',
      password: 'b',
    });
  });

  it('never takes a field from the prototype of an object', async () => {
    const Odd = v.object({ constructor: v.string(), toString: v.string() });
    const problem = await problemOf(readFields(post('{}', 'application/json'), Odd));
    expect(problem.detail).toBe('The field "constructor" is required.');
    expect(
      await readFields(post('constructor=a&toString=b', 'application/x-www-form-urlencoded'), Odd),
    ).toEqual({
      constructor: 'a',
      toString: 'b',
    });
  });
});
