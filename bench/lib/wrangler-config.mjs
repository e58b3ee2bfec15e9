// The Worker as wrangler.toml configures it, so the benchmark runs the bundle with the same bindings.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../tools/paths.mjs';

/**
 * @typedef {object} WorkerConfig
 * @property {{ compatibilityDate: string, compatibilityFlags: string[] }} compatibility   of every Worker the bench runs
 * @property {Record<string, string>} d1Databases
 * @property {{ binding: string, files: string[] }[]} migrations   drizzle-kit's SQL files, in order
 * @property {Record<string, unknown>} ratelimits
 * @property {Record<string, string>} vars
 */

/**
 * Reads wrangler.toml through wrangler itself. Bindings the bench does not simulate are reported in
 * `notes`.
 * @param {string[]} notes
 * @returns {Promise<WorkerConfig>}
 */
export async function readWranglerConfig(notes) {
  const { unstable_readConfig } = await import('wrangler');
  /** @type {Record<string, any>} */
  const config = unstable_readConfig({ config: join(ROOT, 'wrangler.toml') });
  /** @type {{ binding: string, database_id?: string, migrations_dir?: string }[]} */
  const d1 = config.d1_databases ?? [];
  const unsupported = ['kv_namespaces', 'r2_buckets', 'queues', 'services', 'hyperdrive', 'vectorize']
    .filter((key) => (config[key]?.producers ?? config[key] ?? []).length > 0)
    .concat((config.durable_objects?.bindings ?? []).length > 0 ? ['durable_objects'] : []);
  if (unsupported.length > 0)
    notes.push(`wrangler.toml bindings not simulated by the bench: ${unsupported.join(', ')}`);
  return {
    compatibility: {
      compatibilityDate: config.compatibility_date,
      compatibilityFlags: config.compatibility_flags ?? [],
    },
    d1Databases: Object.fromEntries(d1.map((db) => [db.binding, db.database_id ?? db.binding])),
    migrations: d1.map((db) => ({
      binding: db.binding,
      files: readdirSync(join(ROOT, db.migrations_dir ?? 'migrations'))
        .filter((file) => /^\d+.*\.sql$/.test(file))
        .sort()
        .map((file) => join(ROOT, db.migrations_dir ?? 'migrations', file)),
    })),
    // Every request comes from 127.0.0.1, so the per-IP limiter would refuse the bench after its first
    // few log-ins; its limit is lifted here (the binding is still called on every request).
    ratelimits: Object.fromEntries(
      (config.ratelimits ?? []).map((/** @type {any} */ limiter) => [
        limiter.name,
        {
          namespace_id: String(limiter.namespace_id),
          simple: { limit: 1_000_000_000, period: limiter.simple?.period ?? 60 },
        },
      ]),
    ),
    vars: Object.fromEntries(
      Object.entries(config.vars ?? {}).filter(([, value]) => typeof value === 'string'),
    ),
  };
}
