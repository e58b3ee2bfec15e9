// Hono with its TrieRouter alone. The default `Hono` also bundles RegExpRouter and SmartRouter: 1.4 kB
// gzip of a Worker whose budget is 40 kB, for matching speed a dozen routes does not need (measured by
// `npm run bench`). TrieRouter keeps paths exact (`/data/` is not `/data`), unlike `hono/tiny`.
import { HonoBase, type HonoOptions } from 'hono/hono-base';
import { TrieRouter } from 'hono/router/trie-router';
import type { BlankEnv, BlankSchema, Env, Schema } from 'hono/types';

export class Hono<
  E extends Env = BlankEnv,
  S extends Schema = BlankSchema,
  BasePath extends string = '/',
> extends HonoBase<E, S, BasePath> {
  constructor(options: HonoOptions<E> = {}) {
    super(options);
    this.router = options.router ?? new TrieRouter();
  }
}
