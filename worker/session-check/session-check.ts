// The session check of every authenticated request: from the isolate's cache when its view of the
// revocation feed is fresh enough, from D1 otherwise. The design and its bound: docs/session-check.md.
import type { Clock } from '../clock';
import type { RevocationPage } from '../db/queries';
import { type PollFeed, RevocationView } from './revocation-view';
import { ENDED, SessionCache, type SessionFacts } from './session-cache';

export type { SessionFacts } from './session-cache';

/** What the check needs from storage. */
export interface SessionStore {
  /** The session as the primary has it now; undefined when it does not exist. */
  read(sessionId: string): Promise<SessionFacts | undefined>;
  poll(after: number, limit: number): Promise<RevocationPage>;
}

export interface SessionCheckOptions {
  readonly clock: Clock;
  /** 0: no cache, every check reads D1 (strict mode). */
  readonly maxStalenessMs: number;
  readonly cacheEntries: number;
}

export class SessionCheck {
  readonly cache: SessionCache;
  readonly view: RevocationView;
  readonly strict: boolean;

  constructor(options: SessionCheckOptions) {
    this.strict = options.maxStalenessMs === 0;
    this.cache = new SessionCache(options.cacheEntries);
    this.view = new RevocationView(this.cache, options.clock, options.maxStalenessMs);
  }

  /**
   * The session's facts, revoked or not, as of a revocation view no older than the bound; undefined
   * when the session does not exist. Facts older than `generation` (the token was refreshed elsewhere
   * since this isolate cached them) are read again. `background` keeps early polls alive past the
   * response.
   */
  async find(
    store: SessionStore,
    sessionId: string,
    generation: number,
    background: (work: Promise<unknown>) => void,
  ): Promise<SessionFacts | undefined> {
    if (this.strict) return store.read(sessionId);
    const poll: PollFeed = (after, limit) => store.poll(after, limit);
    const cached = this.cache.get(sessionId);
    if (cached === ENDED) return undefined;
    if (cached !== undefined && cached.generation >= generation) {
      await this.view.fresh(poll, background);
      // The poll may just have evicted it.
      const entry = this.cache.get(sessionId);
      if (entry === ENDED) return undefined;
      if (entry !== undefined && entry.generation >= generation) return entry;
    } else {
      this.view.prefetch(poll, background);
    }
    const epoch = this.view.epoch;
    const facts = await store.read(sessionId);
    if (this.view.started && this.view.epoch === epoch) {
      this.cache.set(sessionId, facts === undefined || facts.revokedAt !== null ? ENDED : facts);
    }
    return facts;
  }

  /** This isolate's own revocations take effect here at once; other isolates learn from the feed. */
  forget(target: { sessionId?: string; userId?: string }): void {
    this.view.forget(
      new Set(target.sessionId === undefined ? [] : [target.sessionId]),
      new Set(target.userId === undefined ? [] : [target.userId]),
    );
  }
}
