// Frozen: never edit after release; add a new dated migration instead. Imports no app code.
import { type Kysely, sql } from 'kysely';

/**
 * Remembers every dataset key the seeder has ever loaded, so that a record staff deleted (or replaced by an
 * import) is not loaded again on the next start. Keys already present in the collection tables are recorded.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table seed_ledger (
    key text primary key,
    collection text not null,
    seeded_at timestamptz not null default now()
  )`.execute(db);
  const tables: [string, string][] = [
    ['wifi', 'wifi'],
    ['sculptures', 'sculptures'],
    ['signage', 'signage'],
    ['update-areas', 'update_areas'],
    ['update-lines', 'update_lines'],
    ['admin-areas', 'admin_areas'],
  ];
  for (const [collection, table] of tables) {
    await sql`insert into seed_ledger (key, collection)
      select key, ${collection} from ${sql.table(table)} where key is not null
      on conflict do nothing`.execute(db);
  }
}

/** Drops the ledger. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists seed_ledger`.execute(db);
}
