// HTTP on 127.0.0.1: single requests with precise timing (one keep-alive connection, no compression
// negotiated), and fixed-concurrency load with autocannon.
import { Agent, request as httpRequest } from 'node:http';
import autocannon from 'autocannon';
import { percentile } from './stats.mjs';

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/**
 * @typedef {{ method?: string, headers?: Record<string, string>, body?: string }} RequestInit
 * @typedef {{ status: number, body: string, headers: import('node:http').IncomingHttpHeaders, ms: number }} Answer
 */

/**
 * One request; resolves with status, body text and the round trip in milliseconds.
 * @param {string | URL} url
 * @param {RequestInit} [init]
 * @returns {Promise<Answer>}
 */
export function request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = httpRequest(url, { method, headers, agent, timeout: 30_000 }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: res.headers,
          ms,
        });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

export function form(fields) {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  };
}

/** Fails loudly when a set-up request does not get the status the benchmark relies on. */
export async function expectStatus(url, init, status, what) {
  const res = await request(url, init);
  if (res.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${res.status}: ${res.body.slice(0, 300)}`);
  }
  return res;
}

/**
 * `connections` concurrent keep-alive connections for `seconds`. Latencies come from autocannon's
 * per-response timings (sub-millisecond), not its whole-millisecond histogram.
 */
export function load(url, { connections, seconds, headers, anyStatus = false }) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    const instance = autocannon(
      { url, connections, duration: seconds, headers, pipelining: 1, timeout: 10 },
      (error, result) => {
        if (error) return reject(error);
        const ok = result['2xx'];
        resolve({
          rps: ok / (result.duration || seconds),
          requests: result.requests.total,
          ok,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
        });
      },
    );
    instance.on('response', (_client, status, _bytes, responseTime) => {
      if (anyStatus || (status >= 200 && status < 300)) latencies.push(responseTime);
    });
  });
}
