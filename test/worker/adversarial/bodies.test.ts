// Hostile bodies, media types, methods and URLs on every route (docs/contract.md §2). Each response also passes
// the suite's safety check (harness.ts): no 5xx, no internals, problem documents for errors.
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../../worker/app';
import {
  type Checked,
  credentials,
  FORM,
  freshName,
  freshPassword,
  getData,
  logIn,
  newAccount,
  postForm,
  postJson,
  send,
} from './harness';

function expectInvalid(response: Checked, label: string, reason?: RegExp) {
  expect(response.status, `${label}: ${response.text}`).toBe(400);
  expect(response.problem?.type, label).toBe('/problems/invalid-request');
  if (reason !== undefined) expect(response.problem?.detail, label).toMatch(reason);
}

/** A body streamed in chunks, so the request has no Content-Length. */
function streamed(text: string, chunk = 1000): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
}

function sendStreamed(path: string, contentType: string, text: string): Promise<Checked> {
  return send(path, {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body: streamed(text),
    // @ts-expect-error: workerd's RequestInit has no duplex; Node's requires it for streams.
    duplex: 'half',
  });
}

describe('field values and keys', () => {
  it('refuses repeated fields in every spelling, in both encodings', async () => {
    const name = freshName();
    const password = freshPassword();
    const json = [
      `{"username":"${name}","user\\u006eame":"${name}","password":"${password}"}`,
      `{"username":"${name}","password":"${password}","password" :"${password}"}`,
      `{"username":"${name}","password":"${password}",\n\t"password"\n:"x"}`,
      `{"__proto__":"a","__proto__":"b","username":"${name}","password":"${password}"}`,
    ];
    for (const body of json) expectInvalid(await postJson('/signup', body), body, /repeated/);
    const forms = [
      `username=${name}&user%6Eame=${name}&password=${password}`,
      `username=${name}&username&password=${password}`,
      `username&username=${name}&password=${password}`,
      `username=${name}&username=${name}&password=${password}`,
      `username=${name}&password=${password}&password=${password}`,
      `username=${name}&password=${password}&pass%77ord=${password}`,
    ];
    for (const body of forms) expectInvalid(await postForm('/signup', body), body, /repeated/);
    // Nothing was created by any of them.
    expect((await credentials('/login', name, password)).status).toBe(401);
  });

  it('reads only top-level fields: the same names nested deeper are neither fields nor repeats', async () => {
    const name = freshName();
    const password = freshPassword();
    const body = JSON.stringify({
      meta: { username: 'nested-name', password: 'nested', list: [{ username: 'x' }] },
      username: name,
      password,
    }).replace('"list"', '"username":"dup-inside","list"');
    expect((await postJson('/signup', body)).status).toBe(201);
    expect(await logIn(name, password)).toMatch(/\./);
  });

  it('refuses every non-string value where a string is expected', async () => {
    const values = [
      'true',
      'false',
      'null',
      '0',
      '-0',
      '1.5',
      '1e400',
      '[]',
      '["x"]',
      '{}',
      '{"toString":"x"}',
    ];
    for (const field of ['username', 'password']) {
      for (const value of values) {
        const fields = { username: JSON.stringify(freshName()), password: JSON.stringify(freshPassword()) };
        fields[field as keyof typeof fields] = value;
        const body = `{"username":${fields.username},"password":${fields.password}}`;
        expectInvalid(await postJson('/signup', body), body, new RegExp(`"${field}" must be a string`));
      }
    }
  });

  it('refuses a device_token that is not a string, and treats any string as no proof at all', async () => {
    const { username, password } = await newAccount();
    for (const value of ['null', '0', '[]', '{}', '["x"]', 'true']) {
      const body = `{"username":${JSON.stringify(username)},"password":${JSON.stringify(password)},"device_token":${value}}`;
      expectInvalid(await postJson('/login', body), body, /"device_token" must be a string/);
    }
    const header = btoa('{"alg":"HS256","typ":"gatehouse-device"}').replace(/=+$/, '');
    for (const device of [
      'x',
      'a.b.c',
      `${header}.e30.AAAA`,
      `${header}.${'A'.repeat(6000)}.x`,
      '\u0000',
      '.'.repeat(300),
    ]) {
      const response = await postJson(
        '/login',
        JSON.stringify({ username, password, device_token: device }),
        { Accept: 'application/json' },
      );
      expect(response.status, device.slice(0, 40)).toBe(200);
      expect(JSON.parse(response.text).device_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    }
  });

  it('never reads fields through __proto__ or constructor, and never pollutes a prototype', async () => {
    const name = freshName();
    const password = freshPassword();
    const hidden = [
      `{"__proto__":{"username":"${name}","password":"${password}"}}`,
      `{"constructor":{"prototype":{"username":"${name}"}},"password":"${password}"}`,
      `{"__proto__":{"username":"${name}"},"password":"${password}"}`,
    ];
    for (const body of hidden) expectInvalid(await postJson('/signup', body), body, /"username" is required/);
    for (const body of [
      `__proto__[username]=${name}&password=${password}`,
      `username[]=${name}&password=${password}`,
      `username[0]=${name}&password=${password}`,
      `constructor[prototype][username]=${name}&password=${password}`,
    ]) {
      expectInvalid(await postForm('/signup', body), body, /"username" is required/);
    }

    const polluting = JSON.stringify({ username: name, password }).replace(
      /}$/,
      ',"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    );
    expect((await postJson('/signup', polluting)).status).toBe(201);
    const otherName = freshName();
    const form = `__proto__=x&constructor=y&toString=z&hasOwnProperty=w&valueOf=v&username=${otherName}&password=${password}`;
    expect((await postForm('/signup', form)).status).toBe(201);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    await logIn(otherName, password);
  });

  it('handles a byte order mark without creating a name that holds one', async () => {
    const password = freshPassword();
    const cases: [Checked, string][] = [];
    const jsonName = freshName();
    cases.push([
      await postJson('/signup', `\uFEFF{"username":"${jsonName}","password":"${password}"}`),
      jsonName,
    ]);
    const formName = freshName();
    cases.push([await postForm('/signup', `\uFEFFusername=${formName}&password=${password}`), formName]);
    for (const [response, name] of cases) {
      expect([201, 400], response.text).toContain(response.status);
      // If it was accepted, the name is the plain one.
      if (response.status === 201) await logIn(name, password);
    }
    // A BOM inside the value is never a second account for the plain name.
    const plain = freshName();
    expect((await credentials('/signup', plain, password)).status).toBe(201);
    const inValue = await postForm('/signup', `username=%EF%BB%BF${plain}&password=${password}`);
    expect([400, 409]).toContain(inValue.status);
  });

  it('refuses empty, blank and field-less bodies with a reason', async () => {
    for (const body of ['', ' ', '\n', '\t\r\n', '{}', '{"":""}', '""', '0']) {
      expectInvalid(await postJson('/signup', body), `JSON ${JSON.stringify(body)}`);
    }
    for (const body of ['&', '=', '&&&', '==', '&=&', 'username', 'password=', ' ']) {
      expectInvalid(await postForm('/login', body), `form ${JSON.stringify(body)}`);
    }
    expectInvalid(await send('/signup', { method: 'POST', headers: { 'Content-Type': FORM } }), 'no body');
  });

  it('survives deep nesting, many keys and extreme numbers in ignored fields', async () => {
    const depth = 2000;
    const deep = `{"deep":${'['.repeat(depth)}${']'.repeat(depth)},"username":"${freshName()}"}`;
    expectInvalid(await postJson('/login', deep), 'deep', /"password" is required/);
    const objects = `{"deep":${'{"a":'.repeat(depth / 2)}1${'}'.repeat(depth / 2)},"username":"${freshName()}"}`;
    expectInvalid(await postJson('/login', objects), 'deep objects', /"password" is required/);
    const many = `{${Array.from({ length: 600 }, (_, i) => `"k${i}":${i}`).join(',')},"username":"${freshName()}"}`;
    expectInvalid(await postJson('/login', many), 'many keys', /"password" is required/);
    const numbers = `{"a":1e999999999,"b":-1e-999999999,"c":123456789012345678901234567890,"username":"${freshName()}"}`;
    expectInvalid(await postJson('/login', numbers), 'numbers', /"password" is required/);
    const unclosed = `{"username":"${'['.repeat(7000)}`;
    expectInvalid(await postJson('/login', unclosed), 'unclosed', /not valid JSON/);
  });
});

describe('body size', () => {
  /** A valid sign-up body of exactly `size` bytes (an ignored field pads it). */
  function paddedBody(size: number, json: boolean, name: string, password: string): string {
    const head = json
      ? `{"username":"${name}","password":"${password}","pad":"`
      : `username=${name}&password=${password}&pad=`;
    const tail = json ? '"}' : '';
    const body = `${head}${'p'.repeat(size - head.length - tail.length)}${tail}`;
    expect(new TextEncoder().encode(body).length).toBe(size);
    return body;
  }

  it(`accepts exactly ${MAX_BODY_BYTES} bytes and answers 413 for one more, with and without Content-Length`, async () => {
    for (const json of [false, true]) {
      const type = json ? 'application/json' : FORM;
      const post = (body: string) =>
        send('/signup', { method: 'POST', headers: { 'Content-Type': type }, body });
      const atLimit = [freshName(), freshName()];
      const password = freshPassword();
      expect(
        (await post(paddedBody(MAX_BODY_BYTES, json, atLimit[0] as string, password))).status,
        'at the limit',
      ).toBe(201);
      expect(
        (
          await sendStreamed(
            '/signup',
            type,
            paddedBody(MAX_BODY_BYTES, json, atLimit[1] as string, password),
          )
        ).status,
      ).toBe(201);
      const over = paddedBody(MAX_BODY_BYTES + 1, json, freshName(), password);
      expect((await post(over)).status, 'one byte over').toBe(413);
      expect((await sendStreamed('/signup', type, over)).status, 'one byte over, streamed').toBe(413);
    }
  });

  it('answers 413 to huge bodies on every body-reading route, streamed or not, before parsing them', async () => {
    const huge = `username=${'a'.repeat(1024 * 1024)}`;
    for (const path of ['/signup', '/login']) {
      for (const type of [FORM, 'application/json', 'text/plain']) {
        const plain = await send(path, { method: 'POST', headers: { 'Content-Type': type }, body: huge });
        expect(plain.status, `${path} ${type}`).toBe(413);
        expect(plain.problem?.type).toBe('/problems/payload-too-large');
        expect((await sendStreamed(path, type, huge)).status, `${path} ${type} streamed`).toBe(413);
      }
    }
    // A body sent to a route that takes none is not a crash either.
    expect([405, 413]).toContain((await send('/data', { method: 'DELETE', body: huge })).status);
  });
});

describe('media types', () => {
  const body = (name: string) => `username=${name}`;

  it('answers 415 to every other media type, even with a parseable body', async () => {
    const types = [
      'text/plain',
      'text/json',
      'text/x-www-form-urlencoded',
      'application/jsonx',
      'application/json-patch+json',
      'application/problem+json',
      'application/ld+json',
      'application/x-www-form-urlencodedx',
      'application/xml',
      'multipart/form-data; boundary=XyZ',
      'application/octet-stream',
      '*/*',
      'application/*',
      'json',
      'form',
      'application/json, text/plain',
      'application/x-www-form-urlencoded, application/json',
      'application/json application/json',
      '"application/json"',
    ];
    for (const type of types) {
      const response = await send('/login', {
        method: 'POST',
        headers: { 'Content-Type': type },
        body: body(freshName()),
      });
      expect(response.status, type).toBe(415);
      expect(response.problem?.type).toBe('/problems/unsupported-media-type');
    }
    const multipart = `--XyZ\r\nContent-Disposition: form-data; name="username"\r\n\r\n${freshName()}\r\n--XyZ\r\nContent-Disposition: form-data; name="password"\r\n\r\n${freshPassword()}\r\n--XyZ--\r\n`;
    const response = await send('/signup', {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=XyZ' },
      body: multipart,
    });
    expect(response.status).toBe(415);
  });

  it('accepts both media types in any case, with any parameters, and always reads UTF-8', async () => {
    const form = [
      'APPLICATION/X-WWW-FORM-URLENCODED',
      'application/x-www-form-urlencoded;charset=ISO-8859-1',
      'application/x-www-form-urlencoded ; charset=utf-8 ; q=1',
    ];
    for (const type of form) {
      const response = await send('/login', {
        method: 'POST',
        headers: { 'Content-Type': type },
        body: body(freshName()),
      });
      expectInvalid(response, type, /"password" is required/);
    }
    const json = [
      'Application/Json;Charset=UTF-8',
      'application/json;charset="utf-8"',
      'application/json;charset=utf-16',
      ' application/json\t',
    ];
    for (const type of json) {
      const response = await send('/login', {
        method: 'POST',
        headers: { 'Content-Type': type },
        body: `{"username":"${freshName()}"}`,
      });
      expectInvalid(response, type, /"password" is required/);
    }
    // The charset parameter is ignored, not obeyed: Latin-1 and UTF-16 bytes are invalid input.
    const latin1 = await send('/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=ISO-8859-1' },
      body: new Uint8Array([
        ...new TextEncoder().encode('username=caf'),
        0xe9,
        ...new TextEncoder().encode('xx&password=abcdefghij'),
      ]),
    });
    expectInvalid(latin1, 'Latin-1 bytes', /UTF-8/);
    const utf16 = new Uint8Array([
      0xff,
      0xfe,
      ...[...'{"username":"abcd"}'].flatMap((c) => [c.charCodeAt(0), 0]),
    ]);
    const wide = await send('/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-16' },
      body: utf16,
    });
    expectInvalid(wide, 'UTF-16 bytes');
  });
});

describe('methods', () => {
  const routes = { '/signup': 'POST', '/login': 'POST', '/data': 'GET' } as const;

  it('answers 405 with Allow to every other method on every route, never 2xx', async () => {
    for (const [path, allowed] of Object.entries(routes)) {
      for (const method of ['PUT', 'DELETE', 'PATCH', 'TRACE', 'patch', 'POST', 'GET']) {
        if (method === allowed) continue;
        const response = await send(path, { method });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.get('Allow'), `${method} ${path}`).toContain(allowed);
      }
    }
  });

  it('answers HEAD like GET on /data only, without a body', async () => {
    const { token } = await newAccount();
    expect((await send('/data', { method: 'HEAD' })).status).toBe(401);
    expect((await send('/data', { method: 'HEAD', headers: { Authorization: token } })).status).toBe(200);
    for (const path of ['/signup', '/login'])
      expect((await send(path, { method: 'HEAD' })).status, path).toBe(405);
  });

  it('answers OPTIONS without a body and never with 200', async () => {
    for (const path of Object.keys(routes)) {
      const response = await send(path, { method: 'OPTIONS' });
      expect([204, 404, 405], path).toContain(response.status);
      expect(response.text).toBe('');
    }
  });

  it('never creates an account or serves data through another method', async () => {
    const name = freshName();
    const password = freshPassword();
    const fields = new URLSearchParams({ username: name, password }).toString();
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      await send('/signup', { method, headers: { 'Content-Type': FORM }, body: fields });
    }
    await send(`/signup?${fields}`);
    expect((await credentials('/signup', name, password)).status).toBe(201);
    const token = await logIn(name, password);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const response = await send('/data', { method, headers: { Authorization: token } });
      expect(response.status, method).toBe(405);
      expect(response.text).not.toMatch(/secret data/);
    }
  });
});

describe('URLs', () => {
  it('never serves the data without a token, whatever the path spelling', async () => {
    const tricks = [
      '/data/',
      '/DATA',
      '/Data',
      '//data',
      '///data',
      '/data%2F',
      '/data%2f',
      '/%64ata',
      '/da%74a',
      '/%2564ata',
      '/./data',
      '/x/../data',
      '/%2e/data',
      '/data/.',
      '/data/..',
      '/data;x',
      '/data%3Bx',
      '/data%00',
      '/data%20',
      '/data.json',
      '/data?',
      '/data#x',
      '/%2Fdata',
      '/\\data',
      '/data\\',
    ];
    for (const path of tricks) {
      const response = await send(path);
      expect([401, 404], path).toContain(response.status);
    }
  });

  it('serves the data with a token only at /data or an equivalent spelling of it', async () => {
    const { token } = await newAccount();
    const equivalent = [
      '/data',
      '/%64ata',
      '/da%74a',
      '/./data',
      '/x/../data',
      '/%2e/data',
      '/data?',
      '/data#x',
    ];
    for (const path of equivalent) {
      expect((await send(path, { headers: { Authorization: token } })).status, path).toBe(200);
    }
    // A trailing slash may or may not be the same resource; either way it is never an error.
    expect([200, 404]).toContain((await send('/data/', { headers: { Authorization: token } })).status);
    const different = [
      '/DATA',
      '//data',
      '/data%2F',
      '/data%00',
      '/data;x',
      '/data.json',
      '/%2564ata',
      '/data%20',
    ];
    for (const path of different) {
      expect((await send(path, { headers: { Authorization: token } })).status, path).toBe(404);
    }
  });

  it('answers very long URLs without failing', async () => {
    const { token } = await newAccount();
    const long = 'a'.repeat(64 * 1024);
    expect((await send(`/data?${long}`, { headers: { Authorization: token } })).status).toBe(200);
    expect((await send(`/data?q=${long}`)).status).toBe(401);
    expect((await send(`/${long}`)).status).toBe(404);
    expect((await send(`/data/${long}`)).status).toBe(404);
    expect((await send('/a'.repeat(10_000))).status).toBe(404);
    expect((await send(`/data?${'%'.repeat(10_000)}`)).status).toBe(401);
    expect((await send(`/${'%FF'.repeat(5000)}`)).status).toBe(404);
    const response = await send(`/login?${long}`, {
      method: 'POST',
      headers: { 'Content-Type': FORM },
      body: `username=${freshName()}`,
    });
    expectInvalid(response, 'long query on /login', /"password" is required/);
  });

  it('answers any Accept header with the data, as text or JSON', async () => {
    const { token } = await newAccount();
    for (const accept of [
      'application/json;q=0',
      ',,,;;;',
      'application/json;q=abc',
      '*/*;q=-1',
      'text/html',
      '"',
      ';q=1',
      'a'.repeat(10_000),
      'application/json;q=0.5, text/plain;q=0.9',
      `${'text/plain;q=0.1,'.repeat(500)}application/json`,
    ]) {
      const response = await getData(token, { Accept: accept });
      expect(response.status, accept.slice(0, 30)).toBe(200);
      expect(response.headers.get('Content-Type'), accept.slice(0, 30)).toMatch(
        /^(text\/plain|application\/json)/,
      );
    }
  });
});
