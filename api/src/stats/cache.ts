import type { Kysely } from 'kysely';
import { dataFingerprint } from '../db/queries/stats.js';
import type { Database } from '../db/schema.js';

/**
 * Remembers the last result of an expensive statistic and reuses it while the tables it reads are
 * unchanged (same `dataFingerprint`), so an edit or import shows in the very next answer.
 */
export function cachedByData<T>(
  tables: readonly string[],
  compute: (db: Kysely<Database>) => Promise<T>,
): (db: Kysely<Database>) => Promise<T> {
  let last: { fingerprint: string; value: Promise<T> } | undefined;
  return async (db) => {
    const fingerprint = await dataFingerprint(db, tables);
    if (last?.fingerprint !== fingerprint) {
      const value = compute(db);
      last = { fingerprint, value };
      value.catch(() => {
        if (last?.value === value) last = undefined; // never keep a failure
      });
    }
    return last.value;
  };
}
