import type { Kysely } from 'kysely';
import type { CollectionDef } from '../collections.js';
import type { StoredFeature } from '../db/queries/features.js';
import { dataFingerprint } from '../db/queries/stats.js';
import type { Database } from '../db/schema.js';

/** A whole collection as last read: its features (JSON and version) and the table's fingerprint then. */
interface Entry {
  fingerprint: string;
  features: StoredFeature[];
}

/**
 * Remembers each collection's features when a request read all of them (every visit of the web map reads the
 * small collections whole), and answers the next such request from memory while the table's `dataFingerprint`
 * (row count, highest id, latest `updated_at`) is unchanged, so an edit, delete or import shows in the very
 * next answer. A collection larger than `maxFeatures` is never kept.
 */
export function wholeCollectionCache(maxFeatures: number) {
  const entries = new Map<string, Entry>();
  return {
    /** The features of `def` if they were read whole before and the table has not changed since. */
    async get(db: Kysely<Database>, def: CollectionDef, limit: number): Promise<StoredFeature[] | undefined> {
      const entry = entries.get(def.id);
      if (!entry || entry.features.length > limit) return undefined;
      if ((await dataFingerprint(db, [def.table])) === entry.fingerprint) return entry.features;
      entries.delete(def.id);
      return undefined;
    },
    /** Keeps `features`, read whole after the table had `fingerprint`. */
    set(def: CollectionDef, fingerprint: string, features: StoredFeature[]): void {
      if (features.length <= maxFeatures) entries.set(def.id, { fingerprint, features });
    },
    fingerprint: (db: Kysely<Database>, def: CollectionDef) => dataFingerprint(db, [def.table]),
  };
}
