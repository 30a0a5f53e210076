import { type Kysely, type RawBuilder, sql } from 'kysely';
import { type CollectionDef, allProperties, type PropertyDef } from '../../collections.js';
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

/** `json_build_object('type','Feature',…)::text` for the rows of a collection table. */
export function featureJson(def: CollectionDef, alias = 't'): RawBuilder<string> {
  const props = allProperties(def)
    .filter((p) => p.name !== 'key')
    .map((p) => sql`${sql.lit(p.name)}, ${sql.ref(`${alias}.${p.name}`)}`);
  props.push(sql`'updated_at', ${sql.ref(`${alias}.updated_at`)}`);
  return sql<string>`json_build_object(
    'type', 'Feature',
    'id', ${sql.ref(`${alias}.id`)},
    'geometry', ST_AsGeoJSON(${sql.ref(`${alias}.geom`)}, 7)::json,
    'properties', json_build_object(${sql.join(props)})
  )::text`;
}

function whereClauses(def: CollectionDef, q: Omit<ItemsQuery, 'limit' | 'offset'>): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [];
  if (q.bbox) {
    const [w, s, e, n] = q.bbox;
    where.push(sql`geom && ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)`);
  }
  for (const [name, value] of Object.entries(q.filters ?? {})) {
    where.push(sql`${ident(name)} = ${value}`);
  }
  if (q.datetime && def.datetimeColumn) {
    const col = ident(def.datetimeColumn);
    if (q.datetime.start) where.push(sql`${col} >= ${q.datetime.start}::date`);
    if (q.datetime.end) where.push(sql`${col} <= ${q.datetime.end}::date`);
  }
  return where;
}

/** One page of a collection's features and the number matching the filters. */
export async function listFeatures(
  db: Kysely<Database>,
  def: CollectionDef,
  q: ItemsQuery,
): Promise<{ numberMatched: number; features: StoredFeature[] }> {
  const where = whereClauses(def, q);
  const whereSql = where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``;
  const table = sql.table(def.table);
  const [rows, count] = await Promise.all([
    sql<StoredFeature>`select t.id, t.version, ${featureJson(def)} as json
      from ${table} t ${whereSql} order by t.id limit ${q.limit} offset ${q.offset}`.execute(db),
    q.offset === 0 && where.length === 0
      ? sql<{ n: number }>`select count(*)::int as n from ${table}`.execute(db)
      : sql<{ n: number }>`select count(*)::int as n from ${table} ${whereSql}`.execute(db),
  ]);
  return { numberMatched: count.rows[0]?.n ?? 0, features: rows.rows };
}

/** One feature by id, or undefined. */
export async function getFeature(db: Kysely<Database>, def: CollectionDef, id: number): Promise<StoredFeature | undefined> {
  const r = await sql<StoredFeature>`select t.id, t.version, ${featureJson(def)} as json
    from ${sql.table(def.table)} t where t.id = ${id}`.execute(db);
  return r.rows[0];
}

/** A property value as a SQL parameter of the column's type. */
export function columnValue(p: PropertyDef, value: unknown): RawBuilder<unknown> | unknown {
  if (value === undefined || value === null) return null;
  if (p.type === 'text[]') return sql`${value as string[]}::text[]`;
  if (p.type === 'json') return sql`${JSON.stringify(value)}::jsonb`;
  return value;
}

/** SQL that turns a GeoJSON geometry into the column's type (Multi* when the column is). */
export function geometryValue(def: CollectionDef, geometry: unknown): RawBuilder<unknown> {
  const g = sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(geometry)}), 4326)`;
  return def.geometry === 'Point' ? g : sql`ST_Multi(${g})`;
}
