// Gatehouse's own Worker with its D1 binding counted: every statement the Worker runs on D1 (alone or
// in a batch) adds one. `GET /__bench/d1` answers the count and starts it again. Nothing else changes:
// the statements reach the real local D1. Bundled by bench/build.mjs for scenarios/d1-queries.mjs.
import gatehouse from '../../worker/index';

interface Env {
  DB: D1Database;
}

let statements = 0;
/** The real statement behind each counted one, for batches. */
const originals = new WeakMap<D1PreparedStatement, D1PreparedStatement>();

/** The statement, with every way of running it counted (bind gives a new one, counted the same). */
function counted(statement: D1PreparedStatement): D1PreparedStatement {
  const proxy = new Proxy(statement, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property === 'bind') return (...values: unknown[]) => counted(value.apply(target, values));
      return (...args: unknown[]) => {
        statements++;
        return value.apply(target, args);
      };
    },
  });
  originals.set(proxy, statement);
  return proxy;
}

function countingDatabase(db: D1Database): D1Database {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') {
        return (query: string) => counted(target.prepare(query));
      }
      if (property === 'batch') {
        // Runs the real statements: the runtime accepts only its own.
        return (batch: D1PreparedStatement[]) => {
          statements += batch.length;
          return target.batch(batch.map((statement) => originals.get(statement) ?? statement));
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const wrapped = new WeakMap<object, Env>();

export default {
  async fetch(
    request: Request<unknown, IncomingRequestCfProperties>,
    env: Env,
    ctx: ExecutionContext,
  ): Promise<Response> {
    if (new URL(request.url).pathname === '/__bench/d1') {
      const count = statements;
      statements = 0;
      return new Response(String(count));
    }
    let counting = wrapped.get(env);
    if (counting === undefined) {
      counting = { ...env, DB: countingDatabase(env.DB) };
      wrapped.set(env, counting);
    }
    // biome-ignore lint/suspicious/noExplicitAny: the environment is Gatehouse's own, with DB counted.
    return gatehouse.fetch(request, counting as any, ctx);
  },
};
