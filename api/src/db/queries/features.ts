import { type Kysely, type RawBuilder, sql } from 'kysely';
import { allProperties, type CollectionDef, type PropertyDef } from '../../collections.js';
import type { Database } from '../schema.js';

/** A feature as stored, ready to be sent: its GeoJSON text and its version for the ETag. */
export interface StoredFeature {
  id: number;
  version: number;
  /** The whole GeoJSON Feature, serialised by PostgreSQL. */
  json: string;
}

/** Filters of an items request, already validated. */
export interface ItemsQuery {
  bbox?: readonly [number, number, number, number];
  limit: number;
  offset: number;
  /** Equality filters on queryable properties (values already typed). */
  filters?: Record<string, string | number | boolean>;
  /** Inclusive date interval on the collection's datetime column; open ends are undefined. */
  datetime?: { start?: string; end?: string };
}

const ident = (name: string) => sql.ref(name);

/**
 * `json_build_object('type','Feature',…)::text` for the rows of a collection table; `extra` adds
 * computed properties (name/SQL pairs, e.g. a distance) after the stored ones.
 */
export function featureJson(
  def: CollectionDef,
  alias = 't',
  extra: readonly (readonly [string, RawBuilder<unknown>])[] = [],
): RawBuilder<string> {
  const props = allProperties(def)
    .filter((p) => p.name !== 'key')
    .map((p) => sql`${sql.lit(p.name)}, ${sql.ref(`${alias}.${p.name}`)}`);
  props.push(sql`'updated_at', ${sql.ref(`${alias}.updated_at`)}`);
  for (const [name, value] of extra) props.push(sql`${sql.lit(name)}, ${value}`);
  // RFC 7946: exterior rings counter-clockwise, holes clockwise, whatever orientation a row was stored in
  const geom = def.geometryTypes.some((t) => t.endsWith('Polygon'))
    ? sql`ST_ForcePolygonCCW(${sql.ref(`${alias}.geom`)})`
    : sql.ref(`${alias}.geom`);
  // concatenated as text: casting ST_AsGeoJSON to json would parse every geometry again
  return sql<string>`('{"type":"Feature","id":' || ${sql.ref(`${alias}.id`)} || ',"geometry":' || ST_AsGeoJSON(${geom}, 7)
    || ',"properties":' || json_build_object(${sql.join(props)})::text || '}')`;
}

function whereClauses(def: CollectionDef, q: Omit<ItemsQuery, 'limit' | 'offset'>): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [];
  if (q.bbox) {
    const [w, s, e, n] = q.bbox;
    // the geometry itself must touch the box, not just its envelope (a polygon's bounding box can overlap a bbox the
    // polygon misses); ST_Intersects still starts with the index's && on the envelope
    where.push(sql`ST_Intersects(geom, ST_MakeEnvelope(${w}::float8, ${s}::float8, ${e}::float8, ${n}::float8, 4326))`);
  }
  for (const [name, value] of Object.entries(q.filters ?? {})) {
    where.push(sql`${ident(name)} = ${value}`);
  }
  if (q.datetime && def.datetimeColumn) {
    const col = ident(def.datetimeColumn);
    // a collection dated by month (YYYY-MM, stored as the month's first day) matches every month the interval touches
    const monthly = allProperties(def).some((p) => p.type === 'month');
    if (q.datetime.start) {
      where.push(
        monthly
          ? sql`${col} >= date_trunc('month', ${q.datetime.start}::date)::date`
          : sql`${col} >= ${q.datetime.start}::date`,
      );
    }
    if (q.datetime.end) where.push(sql`${col} <= ${q.datetime.end}::date`);
  }
  return where;
}

/** A feature with its geometry as text, for CSV. */
export interface StoredFeatureWithText extends StoredFeature {
  /** WKT of the geometry. */
  wkt: string;
  /** Longitude and latitude of a point (null for other geometries). */
  lon: number | null;
  lat: number | null;
}

/**
 * One page of a collection's features and the number matching the filters, in one query (a window count);
 * only a page past the end needs a second query to count.
 */
export async function listFeatures<T extends boolean = false>(
  db: Kysely<Database>,
  def: CollectionDef,
  q: ItemsQuery,
  withText?: T,
): Promise<{ numberMatched: number; features: T extends true ? StoredFeatureWithText[] : StoredFeature[] }> {
  const where = whereClauses(def, q);
  const whereSql = where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``;
  const table = sql.table(def.table);
  const text = withText
    ? def.geometry === 'Point'
      ? sql`, ST_AsText(t.geom) as wkt, ST_X(t.geom) as lon, ST_Y(t.geom) as lat`
      : sql`, ST_AsText(t.geom) as wkt, null::float8 as lon, null::float8 as lat`
    : sql``;
  // the page's ids are chosen first, so the JSON is built for its rows only (not for every match before the
  // sort), and the window count over the matches carries ids alone (not whole rows: a deep page of the 100,000
  // national Wi-Fi rows took 0.8 s); the count rides along, so a full page needs no second round trip
  const rows = await sql<
    StoredFeatureWithText & { matched: number }
  >`select t.id, t.version, ${featureJson(def)} as json,
      p.matched ${text}
      from (select t.id, count(*) over ()::int as matched from ${table} t ${whereSql}
        order by t.id limit ${q.limit} offset ${q.offset}) p
      join ${table} t on t.id = p.id order by t.id`.execute(db);
  let numberMatched = rows.rows[0]?.matched;
  if (numberMatched === undefined) {
    // an empty page: past the end (count the matches) or nothing matches at all
    numberMatched =
      q.offset === 0
        ? 0
        : ((await sql<{ n: number }>`select count(*)::int as n from ${table} t ${whereSql}`.execute(db)).rows[0]?.n ??
          0);
  }
  const features = rows.rows.map(({ matched: _matched, ...f }) => f);
  return { numberMatched, features: features as never };
}

/** Spatial and temporal extent of a collection's features (undefined parts when it is empty). */
export interface CollectionExtent {
  bbox?: [number, number, number, number];
  /** First and last date of the datetime column (YYYY-MM-DD). */
  interval?: [string | null, string | null];
  count: number;
}

/** Bounding box (ST_Extent), feature count and, where the collection has one, the date range. */
export async function collectionExtent(db: Kysely<Database>, def: CollectionDef): Promise<CollectionExtent> {
  const col = def.datetimeColumn ? sql.ref(`t.${def.datetimeColumn}`) : sql`null::date`;
  const r = await sql<{
    xmin: number | null;
    ymin: number | null;
    xmax: number | null;
    ymax: number | null;
    dmin: string | null;
    dmax: string | null;
    n: number;
  }>`select ST_XMin(e) as xmin, ST_YMin(e) as ymin, ST_XMax(e) as xmax, ST_YMax(e) as ymax, dmin::text, dmax::text, n
     from (select ST_Extent(t.geom)::geometry as e, min(${col}) as dmin, max(${col}) as dmax, count(*)::int as n
           from ${sql.table(def.table)} t) x`.execute(db);
  const row = r.rows[0];
  const out: CollectionExtent = { count: row?.n ?? 0 };
  if (row && row.xmin !== null && row.ymin !== null && row.xmax !== null && row.ymax !== null) {
    out.bbox = [row.xmin, row.ymin, row.xmax, row.ymax];
  }
  if (def.datetimeColumn && row) out.interval = [row.dmin, row.dmax];
  return out;
}

/** One feature by id, or undefined. */
export async function getFeature(
  db: Kysely<Database>,
  def: CollectionDef,
  id: number,
): Promise<StoredFeature | undefined> {
  const r = await sql<StoredFeature>`select t.id, t.version, ${featureJson(def)} as json
    from ${sql.table(def.table)} t where t.id = ${id}`.execute(db);
  return r.rows[0];
}

/** A property value as a SQL parameter of the column's type. */
export function columnValue(p: PropertyDef, value: unknown): RawBuilder<unknown> | unknown {
  if (value === undefined || value === null) return null;
  if (p.type === 'text[]') return sql`${value as string[]}::text[]`;
  if (p.type === 'json') return sql`${JSON.stringify(value)}::text::jsonb`;
  return value;
}

/** SQL that turns a GeoJSON geometry into the column's type (Multi* when the column is). */
export function geometryValue(def: CollectionDef, geometry: unknown): RawBuilder<unknown> {
  const g = sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(geometry)}), 4326)`;
  return def.geometry === 'Point' ? g : sql`ST_Multi(${g})`;
}

/**
 * Ids of the collections holding at most `limit` features (counted no further than `limit + 1` rows, so the
 * query stays cheap on a national-scale table).
 */
export async function collectionsWithin(db: Kysely<Database>, defs: readonly CollectionDef[], limit: number) {
  if (defs.length === 0) return [];
  const counts = defs.map(
    (def) =>
      sql<{ id: string; n: number }>`select ${def.id}::text as id, count(*)::int as n
         from (select 1 from ${sql.table(def.table)} limit ${limit + 1}) t`,
  );
  const r = await sql<{ id: string; n: number }>`${sql.join(counts, sql` union all `)}`.execute(db);
  return r.rows.filter((row) => row.n <= limit).map((row) => row.id);
}
