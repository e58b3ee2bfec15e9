// Baseline (b): the tutorial's original design on Node — Express, jsonwebtoken and SQLite, the same
// three routes. Kept deliberately close to that design: a fixed HS256 secret, `/data` checks the token
// and nothing else (no sessions), `/login` answers at once for an unknown name. Two changes so that the
// comparison is about runtimes rather than about old bugs: passwords are PBKDF2-SHA256 at the same
// 100,000 iterations as Gatehouse (the tutorial used unsalted SHA-256), and verify pins HS256.
//
// Started by bench/runtimes.mjs: `node server.mjs` with PORT, DB_PATH and JWT_SECRET in the environment;
// prints `LISTENING <port>` once it accepts connections.
import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import express from 'express';
import jwt from 'jsonwebtoken';

const derive = promisify(pbkdf2);
const ITERATIONS = 100_000;
const SECRET = process.env.JWT_SECRET;
if (!SECRET) throw new Error('JWT_SECRET is required');

const db = new DatabaseSync(process.env.DB_PATH ?? ':memory:');
db.exec(`CREATE TABLE IF NOT EXISTS users (
  username TEXT PRIMARY KEY,
  salt BLOB NOT NULL,
  hash BLOB NOT NULL
)`);
const insertUser = db.prepare('INSERT OR IGNORE INTO users (username, salt, hash) VALUES (?, ?, ?)');
const findUser = db.prepare('SELECT salt, hash FROM users WHERE username = ?');

const app = express();
app.disable('x-powered-by');
app.use(express.urlencoded({ extended: false }));

app.post('/signup', async (req, res) => {
  const { username, password } = req.body ?? {};
  if (typeof username !== 'string' || typeof password !== 'string') return res.status(400).send();
  const salt = randomBytes(16);
  const hash = await derive(password, salt, ITERATIONS, 32, 'sha256');
  const { changes } = insertUser.run(username, salt, hash);
  res.status(changes === 1 ? 201 : 409).send();
});

app.post('/login', async (req, res) => {
  const { username, password } = req.body ?? {};
  if (typeof username !== 'string' || typeof password !== 'string') return res.status(400).send();
  const user = /** @type {{ salt: Buffer, hash: Buffer } | undefined} */ (findUser.get(username));
  if (user === undefined) return res.status(401).send();
  const hash = await derive(password, user.salt, ITERATIONS, 32, 'sha256');
  if (!timingSafeEqual(hash, user.hash)) return res.status(401).send();
  res.send(jwt.sign({ username }, SECRET, { expiresIn: '15d' }));
});

app.get('/data', (req, res) => {
  try {
    jwt.verify(req.get('Authorization') ?? '', SECRET, { algorithms: ['HS256'] });
    res.send('Very secret data');
  } catch {
    res.status(401).send('Bad token');
  }
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    db.close();
    process.exit(0);
  });
}
