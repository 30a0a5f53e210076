/**
 * Rate limits kept in the database (table `rate_limits`, migration 2026-12-02-012), so that every API process
 * behind a load balancer shares them. Each key (a client address, a user name) may make `capacity` attempts in
 * a window of `windowMs` that starts with its first attempt; the attempt that reaches the limit starts the window
 * again, so the key is then locked for a whole window (refused attempts do not prolong it). An attempt is counted ATOMICALLY before the work it guards (one
 * `insert … on conflict do update … returning`), so simultaneous requests cannot all pass a check made before
 * any of them is counted. Keys are stored as a keyed hash (HMAC-SHA-256 under a random key kept in
 * `app_secrets`), never as the raw address or name.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  hitRateLimit,
  loadOrCreateSecret,
  refundRateLimit,
  resetRateLimit,
  sweepRateLimits,
} from './db/queries/rate-limits.js';
import type { Database } from './db/schema.js';

/** Settings of one limit. */
export interface RateLimitOptions {
  /** What is limited (`login-user`, `login-address`, `report-address`): each scope counts its own keys. */
  scope: string;
  /** Attempts allowed before the key is refused. */
  capacity: number;
  /** The window, in milliseconds: from the first attempt, and again from the one that reaches the limit. */
  windowMs: number;
}

/** The outcome of an attempt. */
export interface RateLimitResult {
  ok: boolean;
  /** Seconds until the key may try again (0 when `ok`). */
  retryAfter: number;
}

const SECRET_NAME = 'rate-limit-key';
/** Expired rows are swept at most this often per limiter (one `delete`, in the request that notices). */
const SWEEP_EVERY_MS = 10 * 60_000;

/** The hash key of each database, loaded (or created) once. */
const secrets = new WeakMap<Kysely<Database>, Promise<string>>();

function secretOf(db: Kysely<Database>): Promise<string> {
  let s = secrets.get(db);
  if (!s) {
    s = loadOrCreateSecret(db, SECRET_NAME, randomBytes(32).toString('hex'));
    s.catch(() => secrets.delete(db));
    secrets.set(db, s);
  }
  return s;
}

/** A limit counted in the database. */
export class DbRateLimiter {
  private readonly db: Kysely<Database>;
  private readonly options: RateLimitOptions;
  private nextSweep = 0;

  constructor(db: Kysely<Database>, options: RateLimitOptions) {
    this.db = db;
    this.options = options;
  }

  /** The stored form of `key`: a keyed hash, so the table never holds an address or a user name. */
  async hash(key: string): Promise<string> {
    return createHmac('sha256', await secretOf(this.db))
      .update(`${this.options.scope}\u0000${key}`)
      .digest('hex');
  }

  /**
   * Counts one attempt of `key` and says whether it is within the limit. Atomic: of N simultaneous attempts
   * exactly `capacity` (less those already counted) are allowed. The lock ends `windowMs` after the attempt
   * that reached the limit; refused attempts do not prolong it.
   */
  async take(key: string): Promise<RateLimitResult> {
    const { scope, capacity, windowMs } = this.options;
    const hash = await this.hash(key);
    await this.sweep();
    const row = await hitRateLimit(this.db, scope, hash, capacity, windowMs);
    if (!row) throw new Error('rate limit: the counter returned no row');
    return row.hits <= capacity ? { ok: true, retryAfter: 0 } : { ok: false, retryAfter: row.retry_after };
  }

  /** Gives back one attempt of `key` (an attempt that turned out not to count, e.g. a successful sign-in). */
  async refund(key: string): Promise<void> {
    const hash = await this.hash(key);
    await refundRateLimit(this.db, this.options.scope, hash);
  }

  /** Forgets every attempt of `key` (after a successful sign-in, for its user name). */
  async reset(key: string): Promise<void> {
    const hash = await this.hash(key);
    await resetRateLimit(this.db, this.options.scope, hash);
  }

  /** Deletes the expired rows of this scope, at most once per `SWEEP_EVERY_MS` in this process. */
  private async sweep(): Promise<void> {
    const t = Date.now();
    if (t < this.nextSweep) return;
    this.nextSweep = t + SWEEP_EVERY_MS;
    await sweepRateLimits(this.db, this.options.scope);
  }
}
