// Frozen: never edit after release; add a new dated migration instead. Imports no app code.
import { type Kysely, sql } from 'kysely';

/** Indexes the importer's duplicate checks use: wifi 관리번호 (mgmt_no). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw('create index if not exists wifi_mgmt_no_idx on wifi (mgmt_no)').execute(db);
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('drop index if exists wifi_mgmt_no_idx').execute(db);
}
