// Gatehouse's own Worker with its storage answered from memory: the D1 binding and the rate limiter
// are replaced by stand-ins inside the isolate, so the CPU time workerd spends per request is the
// Worker's own — what a Workers plan's CPU limit applies to — without the local simulation of D1.
// Bundled by bench/build.mjs; measured one request at a time (bench/scenarios/own-cpu.mjs).
//
// The stand-in knows one account (`benchuser`, password in BENCH_PASSWORD) and answers any session id
// with an active session of it. It reads the SQL only for the table name and the selected columns.
// The throttles are off here (scenarios/own-cpu.mjs): their statements are D1's work, not the Worker's.

import { hashPassword } from '../../worker/auth/password';
import gatehouse from '../../worker/index';

type Row = Record<string, unknown>;
interface Env {
  JWT_SECRET: string;
  BENCH_PASSWORD: string;
  PBKDF2_ITERATIONS?: string;
}

const USER_ID = 'bench-user-id';
const USERNAME = 'benchuser';
let passwordHash: Promise<string> | undefined;

/** The rows a statement would find, or none. Writes find nothing and change one row. */
function rowsFor(sql: string, params: unknown[], hash: string): Row[] {
  const table = /\bfrom\s+"?(\w+)"?/i.exec(sql)?.[1];
  // A log-in's session insert (INSERT … SELECT … RETURNING id): inserted.
  if (/^\s*insert\s+into\s+"sessions"/i.test(sql) && /\breturning\b/i.test(sql)) return [{ id: params[0] }];
  if (!/^\s*select\b/i.test(sql)) return [];
  const now = Math.floor(Date.now() / 1000);
  if (table === 'users' && (params.includes(USERNAME) || params.includes(USER_ID))) {
    return [
      { id: USER_ID, username: USERNAME, username_canonical: USERNAME, password_hash: hash, created_at: now },
    ];
  }
  if (table === 'sessions' && params.length > 0) {
    return [
      {
        id: params[0],
        user_id: USER_ID,
        created_at: now,
        expires_at: now + 86400,
        revoked_at: null,
        last_used_at: now,
        user_agent: null,
        generation: 0,
      },
    ];
  }
  return [];
}

/** Each row as the statement selects it: its columns, in the order of the SELECT list. */
function shape(sql: string, rows: Row[]): Row[] {
  const list = /^\s*select\s+(.*?)\s+from\s/is.exec(sql)?.[1] ?? '*';
  if (list.trim() === '*') return rows;
  const columns = list.split(',').map((part) => (part.trim().split('.').pop() ?? '').replaceAll('"', ''));
  return rows.map((row) => Object.fromEntries(columns.map((column) => [column, row[column] ?? null])));
}

/** The revocation feed's poll (worker/db/queries.ts): its state row, nothing revoked, nothing trimmed. */
const EMPTY_FEED = { trimmed_through: 0, head: 0, seq: null, session_id: null, user_id: null };

function statement(sql: string, hash: string, params: unknown[] = []) {
  const rows = () =>
    /^\s*select\b/i.test(sql) && sql.includes('"revocation_feed"')
      ? [EMPTY_FEED]
      : shape(sql, rowsFor(sql, params, hash));
  const meta = { changes: /^\s*select\b/i.test(sql) ? 0 : 1, duration: 0 };
  return {
    bind: (...values: unknown[]) => statement(sql, hash, values),
    first: async () => rows()[0] ?? null,
    all: async () => ({ success: true, results: rows(), meta }),
    run: async () => ({ success: true, results: [], meta }),
    raw: async () => rows().map((row) => Object.values(row)),
  };
}

function database(hash: string) {
  const db = {
    prepare: (sql: string) => statement(sql, hash),
    batch: (statements: ReturnType<typeof statement>[]) => Promise.all(statements.map((s) => s.all())),
    withSession: () => db,
  };
  return db;
}

const limiter = { limit: async () => ({ success: true }) };
const stubs = new WeakMap<object, object>();

export default {
  async fetch(
    request: Request<unknown, IncomingRequestCfProperties>,
    env: Env,
    ctx: ExecutionContext,
  ): Promise<Response> {
    passwordHash ??= hashPassword(env.BENCH_PASSWORD, Number(env.PBKDF2_ITERATIONS ?? 100_000));
    const hash = await passwordHash;
    let stubbed = stubs.get(env);
    if (stubbed === undefined) {
      stubbed = { ...env, DB: database(hash), AUTH_RATE_LIMITER: limiter };
      stubs.set(env, stubbed);
    }
    // biome-ignore lint/suspicious/noExplicitAny: the stand-ins cover only what Gatehouse calls.
    return gatehouse.fetch(request, stubbed as any, ctx);
  },
};
