// The PBKDF2 yardstick on Node: one PBKDF2-HMAC-SHA256 at 100,000 iterations per request to /pbkdf2,
// the call the Express baseline's /login makes; `/empty` for a bare round trip.
// Prints `LISTENING <port>`.
import { pbkdf2 } from 'node:crypto';
import { createServer } from 'node:http';

const salt = Buffer.alloc(16);
const server = createServer((req, res) => {
  if (req.url === '/empty') return res.end('ok');
  if (req.url !== '/pbkdf2') {
    res.statusCode = 404;
    return res.end();
  }
  pbkdf2('correct horse battery staple', salt, 100_000, 32, 'sha256', (error, key) => {
    res.statusCode = error ? 500 : 200;
    res.end(error ? '' : String(key[0]));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  process.stdout.write(`LISTENING ${port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
