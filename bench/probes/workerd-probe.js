// Yardsticks in workerd, each the bare minimum of one thing Gatehouse does:
//   /pbkdf2  PBKDF2-HMAC-SHA256 at 100,000 iterations, the Web Crypto calls of a password check;
//   /d1      one primary-key read of a session row from D1, the read on every authenticated request;
//   /empty   nothing at all: the cost of a round trip and of the runtime itself.
const utf8 = new TextEncoder();
const salt = new Uint8Array(16);
const SESSION_READ = 'SELECT user_id, expires_at, revoked_at, last_used_at FROM sessions WHERE id = ?';

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === '/empty') return new Response('ok');
    if (pathname === '/d1') {
      const row = await env.DB.prepare(SESSION_READ).bind('probe-session').first();
      return new Response(row === null ? 'missing' : 'ok', { status: row === null ? 500 : 200 });
    }
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
