// A raw PBKDF2-HMAC-SHA256 at 100,000 iterations in workerd, the yardstick for /login: the same
// Web Crypto calls the password check makes (import the password, derive 256 bits), nothing else.
// `/empty` answers at once, to show what a bare round trip costs.
const utf8 = new TextEncoder();
const salt = new Uint8Array(16);

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === '/empty') return new Response('ok');
    if (pathname !== '/pbkdf2') return new Response('not found', { status: 404 });
    const material = await crypto.subtle.importKey(
      'raw',
      utf8.encode('correct horse battery staple'),
      'PBKDF2',
      false,
      ['deriveBits'],
    );
    const bits = await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 100_000 },
      material,
      256,
    );
    return new Response(String(new Uint8Array(bits)[0]));
  },
};
