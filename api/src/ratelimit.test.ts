import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openBackend, skipReason, type TestBackend } from '../../tests/support/backends.js';
import { DbRateLimiter } from './ratelimit.js';

describe.each(BACKENDS)('DbRateLimiter on %s', (backendName) => {
  const reason = skipReason(backendName);
  let b: TestBackend;
  const limiter = (scope: string, capacity = 5, windowMs = 600_000) =>
    new DbRateLimiter(b.db.kysely, { scope, capacity, windowMs });
  /** Ends the current window of every key of `scope`, as if its time had passed. */
  const expire = (scope: string) =>
    sql`update rate_limits set reset_at = now() - interval '1 second' where scope = ${scope}`.execute(b.db.kysely);

  beforeAll(async () => {
    if (reason) return;
    b = await openBackend(backendName);
  });
  afterAll(async () => {
    await b?.close();
  });

  it.skipIf(reason)('allows capacity attempts, then refuses for the window; other keys are not affected', async () => {
    const rl = limiter('t-basic', 5, 600_000);
    for (let i = 0; i < 5; i++) expect((await rl.take('a')).ok).toBe(true);
    const refused = await rl.take('a');
    expect(refused.ok).toBe(false);
    expect(refused.retryAfter).toBeGreaterThan(590);
    expect(refused.retryAfter).toBeLessThanOrEqual(600);
    expect((await rl.take('b')).ok).toBe(true);
    await expire('t-basic');
    expect((await rl.take('a')).ok).toBe(true);
  });

  it.skipIf(reason)('counts simultaneous attempts atomically: exactly capacity of them pass', async () => {
    const rl = limiter('t-burst', 5);
    const results = await Promise.all(Array.from({ length: 20 }, () => rl.take('x')));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    // a second limiter object (another API process) sees the same count
    expect((await limiter('t-burst', 5).take('x')).ok).toBe(false);
  });

  it.skipIf(reason)('refund gives one attempt back; reset forgets the key', async () => {
    const rl = limiter('t-refund', 2);
    expect((await rl.take('k')).ok).toBe(true);
    expect((await rl.take('k')).ok).toBe(true);
    await rl.refund('k');
    expect((await rl.take('k')).ok).toBe(true);
    expect((await rl.take('k')).ok).toBe(false);
    await rl.reset('k');
    expect((await rl.take('k')).ok).toBe(true);
  });

  it.skipIf(reason)('stores a keyed hash, never the address or name', async () => {
    const rl = limiter('t-hash');
    await rl.take('203.0.113.5');
    const rows = await sql<{ key_hash: string }>`select key_hash from rate_limits where scope = 't-hash'`.execute(
      b.db.kysely,
    );
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows.rows[0]?.key_hash).not.toContain('203.0.113.5');
    // not a plain SHA-256 of the address either
    const { createHash } = await import('node:crypto');
    expect(rows.rows[0]?.key_hash).not.toBe(createHash('sha256').update('203.0.113.5').digest('hex'));
    expect(await rl.hash('203.0.113.5')).toBe(rows.rows[0]?.key_hash);
    const all = await sql<{ t: string }>`select string_agg(scope || key_hash, ',') as t from rate_limits`.execute(
      b.db.kysely,
    );
    expect(all.rows[0]?.t).not.toContain('203.0.113');
  });
});
