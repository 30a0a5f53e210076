import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

/** The value of the secret `name` in `app_secrets`, stored as `value` by the first process that asks. */
export async function loadOrCreateSecret(db: Kysely<Database>, name: string, value: string): Promise<string> {
  const r = await sql<{ value: string }>`with created as (
      insert into app_secrets (name, value) values (${name}, ${value})
      on conflict (name) do nothing returning value)
    select value from created union all select value from app_secrets where name = ${name}`.execute(db);
  const stored = r.rows[0]?.value;
  if (!stored) throw new Error(`secret ${name} missing from app_secrets`);
  return stored;
}

/**
 * Counts one attempt of a key in one statement (so simultaneous attempts are counted one by one): the count
 * starts again once the window is over, and a fresh window starts at the attempt that reaches `capacity`.
 * Returns the count and the seconds until the window ends.
 */
export async function hitRateLimit(
  db: Kysely<Database>,
  scope: string,
  keyHash: string,
  capacity: number,
  windowMs: number,
): Promise<{ hits: number; retry_after: number }> {
  const window = sql`(${windowMs}::int * interval '1 millisecond')`;
  const r = await sql<{ hits: number; retry_after: number }>`
    insert into rate_limits as r (scope, key_hash, hits, reset_at)
    values (${scope}, ${keyHash}, 1, now() + ${window})
    on conflict (scope, key_hash) do update set
      hits = case when r.reset_at <= now() then 1 else r.hits + 1 end,
      reset_at = case when r.reset_at <= now() or r.hits + 1 = ${capacity}::int then now() + ${window}
        else r.reset_at end
    returning hits, greatest(1, ceil(extract(epoch from (reset_at - now()))))::int as retry_after`.execute(db);
  const row = r.rows[0];
  if (!row) throw new Error('rate limit: the counter returned no row');
  return row;
}

/** Takes back one counted attempt of a key. */
export async function refundRateLimit(db: Kysely<Database>, scope: string, keyHash: string): Promise<void> {
  await db
    .updateTable('rate_limits')
    .set({ hits: sql`greatest(hits - 1, 0)` })
    .where('scope', '=', scope)
    .where('key_hash', '=', keyHash)
    .execute();
}

/** Forgets every attempt of a key. */
export async function resetRateLimit(db: Kysely<Database>, scope: string, keyHash: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('scope', '=', scope).where('key_hash', '=', keyHash).execute();
}

/** Deletes the rows of a scope whose window is over. */
export async function sweepRateLimits(db: Kysely<Database>, scope: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('scope', '=', scope).where('reset_at', '<', sql<Date>`now()`).execute();
}
