import { type Kysely, type Migration, Migrator } from 'kysely';
import * as m001 from './migrations/2026-11-24-001-initial.js';
import * as m007 from './migrations/2026-11-24-007-tiles-3857.js';
import * as m008 from './migrations/2026-11-24-008-fault-reports.js';
import * as m009 from './migrations/2026-11-24-009-import-indexes.js';
import * as m010 from './migrations/2026-11-24-010-seed-ledger.js';
import * as m011 from './migrations/2026-12-02-011-tile-notify.js';
import * as m012 from './migrations/2026-12-02-012-rate-limits.js';
import * as m013 from './migrations/2026-12-02-013-search-text.js';

/** Every migration, by dated name; the order of names is the order they run. */
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-24-001-initial': m001,
  '2026-11-24-007-tiles-3857': m007,
  '2026-11-24-008-fault-reports': m008,
  '2026-11-24-009-import-indexes': m009,
  '2026-11-24-010-seed-ledger': m010,
  '2026-12-02-011-tile-notify': m011,
  '2026-12-02-012-rate-limits': m012,
  '2026-12-02-013-search-text': m013,
};

/** Brings the schema up to the latest migration; throws with the failing migration's name. */
// biome-ignore lint/suspicious/noExplicitAny: migrations run on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message ?? error}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
