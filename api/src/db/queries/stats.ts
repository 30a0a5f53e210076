import type { Geometry } from 'geojson';
import { type Kysely, sql } from 'kysely';
import { COLLECTIONS } from '../../collections.js';
import type { Database } from '../schema.js';

/** An update area with its outline, as the coverage statistics need it. */
export interface AreaRow {
  id: number;
  name: string;
  facility: string;
  year: number;
  target_km: number | null;
  outline: Geometry;
}

/** One line assigned to an area, clipped by PostGIS into the parts inside and outside the area's outline. */
export interface ClippedLineRow {
  line_id: number;
  area_id: number;
  inside: Geometry;
  outside: Geometry;
}

/** Every update area with its outline (GeoJSON, full precision). */
export async function updateAreas(db: Kysely<Database>): Promise<AreaRow[]> {
  const r = await sql<Omit<AreaRow, 'outline'> & { outline: string }>`
    select id, name, facility, year, target_km, ST_AsGeoJSON(geom, 15) as outline from update_areas order by id`.execute(
    db,
  );
  return r.rows.map((row) => ({ ...row, outline: JSON.parse(row.outline) as Geometry }));
}

/**
 * Every line that names an area, cut by its area's outline with ST_Intersection / ST_Difference (planar,
 * in lon/lat; only the line parts are kept). The lengths are measured afterwards, with Turf.
 */
export async function clippedLines(db: Kysely<Database>): Promise<ClippedLineRow[]> {
  const r = await sql<{ line_id: number; area_id: number; inside: string; outside: string }>`
    select l.id as line_id, l.area_id,
      ST_AsGeoJSON(ST_CollectionExtract(ST_Intersection(l.geom, a.geom), 2), 15) as inside,
      ST_AsGeoJSON(ST_CollectionExtract(ST_Difference(l.geom, a.geom), 2), 15) as outside
    from update_lines l join update_areas a on a.id = l.area_id
    order by l.id`.execute(db);
  return r.rows.map((row) => ({
    line_id: row.line_id,
    area_id: row.area_id,
    inside: JSON.parse(row.inside) as Geometry,
    outside: JSON.parse(row.outside) as Geometry,
  }));
}

/** Features per collection per 읍면동 (code null: inside no 읍면동). */
export interface EmdCountRow {
  collection: string;
  code: string | null;
  n: number;
}

/** A feature whose representative point lies in no 읍면동. */
export interface OutsideRow {
  collection: string;
  id: number;
  title: string | null;
}

const summarised = () => Object.values(COLLECTIONS).filter((def) => def.id !== 'admin-areas');

/**
 * Spatial join of every collection (but the 읍면동 themselves) on admin_areas: each feature's point on
 * surface is given to the 읍면동 containing it (the lowest code when it lies on a shared border). The join
 * runs from the 13 areas into each table's spatial index; features in no area are the table's count minus
 * the assigned ones, and up to `listLimit` of them are named.
 */
export async function countsPerEmd(
  db: Kysely<Database>,
  listLimit = 200,
): Promise<{ counts: EmdCountRow[]; outside: OutsideRow[] }> {
  const inside = sql.join(
    summarised().map(
      (def) => sql`select ${def.id}::text as collection, code, count(*)::int as n from (
        select distinct on (t.id) t.id, a.code from ${sql.table(def.table)} t
        join admin_areas a on a.geom && t.geom and ST_Intersects(a.geom, ST_PointOnSurface(t.geom))
        order by t.id, a.code) x group by code`,
    ),
    sql` union all `,
  );
  const totals = sql.join(
    summarised().map(
      (def) => sql`select ${def.id}::text as collection, count(*)::int as n from ${sql.table(def.table)}`,
    ),
    sql` union all `,
  );
  const outsideList = sql.join(
    summarised().map(
      (def) => sql`(select ${def.id}::text as collection, t.id, ${sql.ref(`t.${def.titleColumn}`)}::text as title
        from ${sql.table(def.table)} t where not exists (select 1 from admin_areas a
          where a.geom && t.geom and ST_Intersects(a.geom, ST_PointOnSurface(t.geom)))
        order by t.id limit ${listLimit})`,
    ),
    sql` union all `,
  );
  const [inRows, totalRows, outRows] = await Promise.all([
    sql<EmdCountRow>`${inside}`.execute(db),
    sql<{ collection: string; n: number }>`${totals}`.execute(db),
    sql<OutsideRow>`select * from (${outsideList}) o order by collection, id`.execute(db),
  ]);
  const counts = [...inRows.rows];
  for (const t of totalRows.rows) {
    const assigned = inRows.rows.filter((r) => r.collection === t.collection).reduce((s, r) => s + r.n, 0);
    if (t.n > assigned) counts.push({ collection: t.collection, code: null, n: t.n - assigned });
  }
  return { counts, outside: outRows.rows };
}

/** The 읍면동 (code, Korean and English name), by code. */
export async function emdList(
  db: Kysely<Database>,
): Promise<{ code: string; name_ko: string; name_en: string | null }[]> {
  const r = await sql<{ code: string; name_ko: string; name_en: string | null }>`
    select code, name_ko, name_en from admin_areas order by code`.execute(db);
  return r.rows;
}

/**
 * A cheap fingerprint of the contents of some collection tables: row count, highest id, sum of versions and
 * latest `updated_at` of each. Any committed insert (a new id), delete (one row fewer), edit (its version
 * goes up by one, whatever the commit order of concurrent transactions) or import changes it.
 */
export async function dataFingerprint(db: Kysely<Database>, tables: readonly string[]): Promise<string> {
  const parts = tables.map(
    (t) =>
      sql<string>`(select count(*)::text || '/' || coalesce(max(id), 0)::text || '/' || coalesce(sum(version), 0)::text
          || '/' || coalesce(max(updated_at)::text, '')
        from ${sql.table(t)})`,
  );
  const r = await sql<{ f: string }>`select concat_ws('|', ${sql.join(parts)}) as f`.execute(db);
  return r.rows[0]?.f ?? '';
}
