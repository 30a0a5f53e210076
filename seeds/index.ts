/**
 * Loads the project's datasets (data/) and the 읍면동 boundaries (shared reference data) into the
 * database. Idempotent: each record has a stable `key`, recorded in `seed_ledger` when first loaded; a key
 * loaded once is never loaded again, so re-running changes nothing, never overwrites a staff edit and never
 * brings back a record staff deleted or replaced by an import.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { type Kysely, sql } from 'kysely';
import { COLLECTIONS, type CollectionDef, type CollectionId, writableColumns } from '../api/src/collections.js';
import { ROOT_DIR } from '../api/src/config.js';
import { columnValue, geometryValue } from '../api/src/db/queries/features.js';
import type { Database } from '../api/src/db/schema.js';

/** One dataset file and the collection it fills. */
export interface SeedSource {
  collection: CollectionId;
  file: string;
  /** Turns a file's feature properties into column values (defaults to the identity). */
  map?: (props: Record<string, unknown>) => Record<string, unknown>;
}

/** The datasets the project authors, in load order (areas before the lines that refer to them). */
export function seedSources(sharedDataDir: string): SeedSource[] {
  const data = (...p: string[]) => path.join(ROOT_DIR, 'data', ...p);
  return [
    {
      collection: 'admin-areas',
      file: path.join(sharedDataDir, 'boundaries', 'gimpo-emd-2018.geojson'),
      map: (p) => ({
        key: `admin-${p.code}`,
        code: String(p.code),
        name_ko: p.name_ko,
        name_en: p.name_en,
        base_year: p.base_year ?? 2018,
        source: 'Statistics Korea (KOSTAT) census administrative boundaries 2018 (southkorea/southkorea-maps)',
        verified: true,
        data_date: '2018-12-31',
        note: '2018 boundaries: 마산동 was split off later and is not a separate area here',
      }),
    },
    { collection: 'sculptures', file: data('facilities', 'sculptures.geojson') },
    { collection: 'signage', file: data('facilities', 'signage.geojson') },
    { collection: 'wifi', file: data('wifi', 'wifi.geojson') },
    { collection: 'update-areas', file: data('update-projects', 'update-areas.geojson') },
    { collection: 'update-lines', file: data('update-lines-demo', 'update-lines.geojson') },
  ];
}

/** What one seeding run did per collection. */
export type SeedReport = Record<string, { inserted: number; skipped: number; missing?: string }>;

function rowValues(def: CollectionDef, props: Record<string, unknown>, geometry: Geometry) {
  const values: Record<string, unknown> = {};
  for (const p of writableColumns(def)) {
    if (props[p.name] !== undefined) values[p.name] = columnValue(p, props[p.name]);
  }
  values.geom = geometryValue(def, geometry);
  return values;
}

/** Loads every dataset; keys loaded by an earlier run are skipped (see `seed_ledger`). */
export async function seedAll(db: Kysely<Database>, sharedDataDir: string): Promise<SeedReport> {
  const report: SeedReport = {};
  await db.transaction().execute(async (trx) => {
    for (const src of seedSources(sharedDataDir)) {
      const def = COLLECTIONS[src.collection];
      if (!fs.existsSync(src.file)) {
        report[src.collection] = { inserted: 0, skipped: 0, missing: src.file };
        continue;
      }
      const fc = JSON.parse(fs.readFileSync(src.file, 'utf8')) as FeatureCollection;
      const seededBefore = new Set(
        (await trx.selectFrom('seed_ledger').select('key').where('collection', '=', src.collection).execute()).map(
          (r) => r.key,
        ),
      );
      const fresh: { key: string; values: Record<string, unknown> }[] = [];
      for (const f of fc.features as Feature[]) {
        const props = { ...(src.map ? src.map(f.properties ?? {}) : (f.properties ?? {})) };
        const key = props.key;
        if (typeof key !== 'string' || !key) throw new Error(`${src.file}: a feature has no key`);
        if (!f.geometry) throw new Error(`${src.file}: feature ${key} has no geometry`);
        if (seededBefore.has(key)) continue; // loaded once already: kept, edited or deleted by staff since
        if (src.collection === 'update-lines' && typeof props.area_key === 'string') {
          props.area_id = sql`(select id from update_areas where key = ${props.area_key})`;
        }
        fresh.push({ key, values: rowValues(def, props, f.geometry) });
      }
      let inserted = 0;
      for (let i = 0; i < fresh.length; i += 500) {
        const chunk = fresh.slice(i, i + 500);
        const result = await trx
          .insertInto(def.table as 'wifi')
          .values(chunk.map((r) => r.values) as never)
          .onConflict((oc) => oc.column('key').doNothing())
          .executeTakeFirst();
        inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
        await trx
          .insertInto('seed_ledger')
          .values(chunk.map((r) => ({ key: r.key, collection: src.collection })))
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
      }
      report[src.collection] = { inserted, skipped: fc.features.length - inserted };
    }
  });
  return report;
}
