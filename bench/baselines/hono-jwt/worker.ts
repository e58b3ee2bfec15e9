// Baseline (c): the tutorial's three routes written the common Hono way — `hono/jwt` with its
// defaults (the secret as a string, so every sign and verify imports the key again), `c.req.parseBody()`,
// D1 through `prepare().bind()`, PBKDF2-SHA256 at 100,000 iterations like Gatehouse. No sessions:
// `/data` is the JWT middleware and nothing else. Bundled with esbuild by bench/build.mjs.
import { Hono } from 'hono';
import { type JwtVariables, jwt, sign } from 'hono/jwt';

type Bindings = { DB: D1Database; JWT_SECRET: string };

// The payload type the middleware's `jwtPayload` variable carries, as Hono's JWT docs declare it.
const app = new Hono<{ Bindings: Bindings; Variables: JwtVariables<{ username: string }> }>();
const FIFTEEN_DAYS = 15 * 24 * 60 * 60;

const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));

async function hashPassword(password: string, salt: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 100_000 },
    key,
    256,
  );
  return toHex(new Uint8Array(bits));
}

app.post('/signup', async (c) => {
  const { username, password } = await c.req.parseBody();
  if (typeof username !== 'string' || typeof password !== 'string') return c.text('Bad request', 400);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await hashPassword(password, salt);
  const { meta } = await c.env.DB.prepare(
    'INSERT OR IGNORE INTO users (username, salt, hash) VALUES (?, ?, ?)',
  )
    .bind(username, toHex(salt), hash)
    .run();
  return meta.changes === 1 ? c.text('Created', 201) : c.text('Taken', 409);
});

app.post('/login', async (c) => {
  const { username, password } = await c.req.parseBody();
  if (typeof username !== 'string' || typeof password !== 'string') return c.text('Bad request', 400);
  const user = await c.env.DB.prepare('SELECT salt, hash FROM users WHERE username = ?')
    .bind(username)
    .first<{ salt: string; hash: string }>();
  if (!user) return c.text('Unauthorized', 401);
  if ((await hashPassword(password, fromHex(user.salt))) !== user.hash) return c.text('Unauthorized', 401);
  const exp = Math.floor(Date.now() / 1000) + FIFTEEN_DAYS;
  return c.text(await sign({ username, exp }, c.env.JWT_SECRET));
});

app.use('/data', (c, next) => jwt({ secret: c.env.JWT_SECRET, alg: 'HS256' })(c, next));
app.get('/data', (c) => c.text(`${c.get('jwtPayload').username}, here is the secret data.`));

export default app;
