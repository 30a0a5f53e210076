// Frozen: never edit after release; add a new dated migration instead. Imports no app code.
import { type Kysely, sql } from 'kysely';

/**
 * Rate-limit counters in the database, so that every API process behind a load balancer shares them (sign-in
 * failures per user name and per address, fault reports per address). A row counts the attempts of one key
 * (a keyed hash of the address or user name, never the raw value) until `reset_at`. `app_secrets` holds the
 * key of that hash, created once by the first process that needs it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table rate_limits (
    scope text not null,
    key_hash text not null,
    hits integer not null check (hits >= 0),
    reset_at timestamptz not null,
    primary key (scope, key_hash)
  )`.execute(db);
  await sql`create index rate_limits_reset_idx on rate_limits (reset_at)`.execute(db);
  await sql`create table app_secrets (
    name text primary key,
    value text not null
  )`.execute(db);
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists rate_limits`.execute(db);
  await sql`drop table if exists app_secrets`.execute(db);
}
