// The isolate's view of the revocation feed: which rows it has applied to its session cache, and how
// old that knowledge is. The bound on that age is what docs/session-check.md promises.
import type { Clock } from '../clock';
import type { RevocationPage } from '../db/queries';
import type { SessionCache } from './session-cache';

/** Reads the feed after a sequence number, at most `limit` rows. */
export type PollFeed = (after: number, limit: number) => Promise<RevocationPage>;

/** Rows read per poll; a poll that finds more has lost track and empties the cache. */
export const FEED_PAGE_SIZE = 100;
/** A poll starts in the background once the view is this share of the bound old. */
const EARLY_POLL_AT = 0.8;

interface Poll {
  readonly sentAt: number;
  readonly done: Promise<void>;
}

export class RevocationView {
  /** The last sequence applied; null until the first poll, when the cache holds nothing yet. */
  #lastSeq: number | null = null;
  /** When the newest applied poll was sent: every revocation committed before it is applied. */
  #seenAt = Number.NEGATIVE_INFINITY;
  #inFlight: Poll | null = null;
  /**
   * Changes whenever entries may have been evicted. A session read that started under another epoch
   * is not cached: an eviction may have raced it, and caching it would undo the eviction.
   */
  epoch = 0;

  constructor(
    private readonly cache: SessionCache,
    private readonly clock: Clock,
    private readonly maxStalenessMs: number,
    private readonly pageSize = FEED_PAGE_SIZE,
  ) {}

  /** True once a poll has been applied, so reads can be cached against a known position. */
  get started(): boolean {
    return this.#lastSeq !== null;
  }

  /**
   * Resolves once the view is no older than the bound. Past the early mark it starts a poll without
   * waiting for it, handed to `background` (the request's `waitUntil`).
   */
  async fresh(poll: PollFeed, background: (work: Promise<unknown>) => void): Promise<void> {
    for (;;) {
      const now = this.clock();
      if (now - this.#seenAt <= this.maxStalenessMs) {
        this.prefetch(poll, background);
        return;
      }
      // Past the bound: wait for a poll sent recently enough to count, or send one.
      const pending = this.#inFlight;
      if (pending !== null && now - pending.sentAt <= this.maxStalenessMs) return pending.done;
      if (pending === null) return this.#start(poll).done;
      // A poll sent too long ago to count (a slow database): let it land, then look again.
      await pending.done.catch(() => undefined);
    }
  }

  /** Past the early mark, starts a poll in the background unless one is running. */
  prefetch(poll: PollFeed, background: (work: Promise<unknown>) => void): void {
    const now = this.clock();
    if (this.#inFlight === null && now - this.#seenAt > this.maxStalenessMs * EARLY_POLL_AT) {
      background(this.#start(poll).done.catch(() => undefined));
    }
  }

  /** Evicts what this isolate itself has just revoked, without waiting for the feed. */
  forget(sessionIds: ReadonlySet<string>, userIds: ReadonlySet<string>): void {
    this.cache.forget(sessionIds, userIds);
    this.epoch++;
  }

  #start(poll: PollFeed): Poll {
    const sentAt = this.clock();
    const after = this.#lastSeq ?? 0;
    const done = poll(after, this.pageSize + 1).then((page) => {
      this.#apply(page);
      this.#seenAt = Math.max(this.#seenAt, sentAt);
    });
    const current: Poll = { sentAt, done };
    this.#inFlight = current;
    const settle = () => {
      if (this.#inFlight === current) this.#inFlight = null;
    };
    done.then(settle, settle);
    return current;
  }

  #apply(page: RevocationPage): void {
    const last = this.#lastSeq;
    if (last === null || page.trimmedThrough > last || page.rows.length > this.pageSize) {
      // First poll, rows trimmed before this isolate read them, or more rows than a page: nothing
      // cached can be trusted, so nothing cached is kept.
      this.cache.clear();
      this.epoch++;
      this.#lastSeq = page.head;
      return;
    }
    const rows = page.rows.filter((row) => row.seq > last);
    if (rows.length === 0) return;
    const sessionIds = new Set<string>();
    const userIds = new Set<string>();
    for (const row of rows) {
      if (row.sessionId === null) userIds.add(row.userId);
      else sessionIds.add(row.sessionId);
    }
    this.forget(sessionIds, userIds);
    this.#lastSeq = Math.max(last, ...rows.map((row) => row.seq));
  }
}
