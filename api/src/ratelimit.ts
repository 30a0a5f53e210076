/**
 * In-memory token buckets keyed by a string (a client address, a user name). Each key holds up to
 * `capacity` tokens, refilled continuously at `capacity / windowMs`; a request spends one. State lives in
 * the process: one app, one set of buckets (tests get a fresh app and fresh buckets).
 */

/** Settings of a token-bucket limiter. */
export interface RateLimitOptions {
  /** Requests allowed in a burst. */
  capacity: number;
  /** Time to refill a whole bucket, in milliseconds. */
  windowMs: number;
  /** Most keys remembered; the oldest are dropped beyond it (bounded memory under a flood of addresses). */
  maxKeys?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** The outcome of taking (or peeking at) a token. */
export interface RateLimitResult {
  ok: boolean;
  /** Seconds until one token is available again (0 when `ok`). */
  retryAfter: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** A set of token buckets. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;
  private readonly ratePerMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(options: RateLimitOptions) {
    this.capacity = options.capacity;
    this.ratePerMs = options.capacity / options.windowMs;
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  private refill(key: string): Bucket {
    const t = this.now();
    const b = this.buckets.get(key);
    if (!b) return { tokens: this.capacity, at: t };
    b.tokens = Math.min(this.capacity, b.tokens + (t - b.at) * this.ratePerMs);
    b.at = t;
    return b;
  }

  private store(key: string, b: Bucket): void {
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }

  private result(b: Bucket): RateLimitResult {
    if (b.tokens >= 1) return { ok: true, retryAfter: 0 };
    return { ok: false, retryAfter: Math.max(1, Math.ceil((1 - b.tokens) / this.ratePerMs / 1000)) };
  }

  /** Spends one token of `key` when there is one. */
  take(key: string): RateLimitResult {
    const b = this.refill(key);
    const r = this.result(b);
    if (r.ok) b.tokens -= 1;
    this.store(key, b);
    return r;
  }

  /** Whether `key` has a token left, without spending it. */
  peek(key: string): RateLimitResult {
    const b = this.buckets.get(key);
    if (!b) return { ok: true, retryAfter: 0 };
    return this.result(this.refill(key));
  }

  /** Forgets `key` (e.g. after a successful login). */
  reset(key: string): void {
    this.buckets.delete(key);
  }
}
