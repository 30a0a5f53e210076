import type { Kysely } from 'kysely';
import type { CollectionDef } from '../collections.js';
import type { StoredFeature } from '../db/queries/features.js';
import { dataFingerprint } from '../db/queries/stats.js';
import type { Database } from '../db/schema.js';

/** A page of features and how many matched. */
interface Page<F extends StoredFeature> {
  numberMatched: number;
  features: F[];
}

/**
 * Remembers each collection's features when a request read all of them (every visit of the web map reads the
 * small collections whole), and answers the next such request from memory while the table's `dataFingerprint`
 * (row count, highest id, sum of versions, latest `updated_at`) is unchanged, so an edit, delete or import
 * shows in the very next answer. A collection found to hold more than `maxFeatures` is not looked at again
 * (no fingerprint of a national-scale table per request).
 */
export function wholeCollectionCache(maxFeatures: number) {
  const entries = new Map<string, { fingerprint: string; features: StoredFeature[] }>();
  const large = new Set<string>();
  return {
    /** Up to `limit` features of `def` from memory when they are current, else from `load` (and kept). */
    async read<F extends StoredFeature>(
      db: Kysely<Database>,
      def: CollectionDef,
      limit: number,
      load: () => Promise<Page<F>>,
    ): Promise<Page<F>> {
      if (large.has(def.id)) return load();
      // taken before the read: a write that lands in between changes it, so the kept copy is never newer
      const fingerprint = await dataFingerprint(db, [def.table]);
      const entry = entries.get(def.id);
      if (entry?.fingerprint === fingerprint && entry.features.length <= limit) {
        return { numberMatched: entry.features.length, features: entry.features as F[] };
      }
      const page = await load();
      if (page.numberMatched > maxFeatures) {
        large.add(def.id);
        entries.delete(def.id);
      } else if (page.features.length === page.numberMatched) {
        entries.set(def.id, { fingerprint, features: page.features });
      }
      return page;
    },
  };
}
