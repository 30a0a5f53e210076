/**
 * SQL of imports: everything runs in one transaction opened by `inImportTransaction`; batches of rows are
 * inserted with multi-row INSERTs, wifi points get their 읍면동 and update-lines their update area, and
 * the import is written to the audit log. An error (or `RollbackSignal`) rolls everything back.
 */
import type { Geometry } from 'geojson';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { type CollectionDef, writableColumns } from '../../collections.js';
import type { Database } from '../schema.js';

/** A row ready to insert: typed column values and a WGS84 geometry. */
export interface ImportRow {
  values: Record<string, unknown>;
  geometry: Geometry;
  key?: string;
}

/** Thrown inside the transaction to roll it back on purpose (refused file, dry run). */
export class RollbackSignal extends Error {
  constructor() {
    super('rollback');
    this.name = 'RollbackSignal';
  }
}

/** Runs `fn` in one transaction; a `RollbackSignal` rolls back quietly and returns `undefined`. */
export async function inImportTransaction<T>(
  db: Kysely<Database>,
  fn: (trx: Kysely<Database>) => Promise<T>,
): Promise<T | undefined> {
  try {
    return await db.transaction().execute(fn);
  } catch (err) {
    if (err instanceof RollbackSignal) return undefined;
    throw err;
  }
}

/**
 * Deletes what `replace` replaces: the whole collection, or for update-lines the lines of one facility.
 * Returns how many features were deleted.
 */
export async function deleteForReplace(trx: Kysely<Database>, def: CollectionDef, facility?: string): Promise<number> {
  const where = def.id === 'update-lines' && facility ? sql`where facility = ${facility}` : sql``;
  const r = await sql`delete from ${sql.table(def.table)} ${where}`.execute(trx);
  return Number(r.numAffectedRows ?? 0);
}

/**
 * Every key the collection already holds, plus (for wifi and admin-areas) the natural identifiers of rows
 * entered without a key (`wifi-no-<관리번호>`, `admin-<code>`): read once per import, checked in memory.
 */
export async function existingKeys(trx: Kysely<Database>, def: CollectionDef): Promise<Set<string>> {
  const natural =
    def.id === 'wifi'
      ? sql` union all select 'wifi-no-' || mgmt_no from wifi where mgmt_no is not null`
      : def.id === 'admin-areas'
        ? sql` union all select 'admin-' || code from admin_areas`
        : sql``;
  const r = await sql<{
    key: string;
  }>`select key from ${sql.table(def.table)} where key is not null ${natural}`.execute(trx);
  return new Set(r.rows.map((x) => x.key));
}

/** The 읍면동 outlines (name and WGS84 GeoJSON), for placing imported points in their 읍면동. */
export async function adminAreaShapes(trx: Kysely<Database>): Promise<{ name: string; geometry: Geometry }[]> {
  const r = await sql<{
    name: string;
    g: string;
  }>`select name_ko as name, ST_AsGeoJSON(geom) as g from admin_areas order by id`.execute(trx);
  return r.rows.map((x) => ({ name: x.name, geometry: JSON.parse(x.g) as Geometry }));
}

/** A JSON value as jsonb, sent as text (the same on postgres.js and PGlite). */
function jsonb(value: unknown): RawBuilder<unknown> {
  return sql`${JSON.stringify(value)}::text::jsonb`;
}

const defaultsCache = new Map<string, Map<string, string>>();

/** Column defaults of a table (SQL expressions), read once per process. */
async function columnDefaults(trx: Kysely<Database>, table: string): Promise<Map<string, string>> {
  let d = defaultsCache.get(table);
  if (!d) {
    const r = await sql<{ column_name: string; column_default: string }>`select column_name, column_default
      from information_schema.columns where table_schema = current_schema() and table_name = ${table}
        and column_default is not null`.execute(trx);
    d = new Map(r.rows.map((x) => [x.column_name, x.column_default]));
    defaultsCache.set(table, d);
  }
  return d;
}

/**
 * Inserts one batch as a single JSON parameter unpacked by `json_populate_record` (one bound value per
 * batch instead of one per cell: much faster on both backends); a missing value takes the column default.
 * Polygons are stored counter-clockwise. Each new update line without an area is then assigned to the
 * update area of its facility that holds most of it (`assignLinesToAreas`). Returns the new ids.
 */
export async function insertBatch(trx: Kysely<Database>, def: CollectionDef, rows: ImportRow[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const cols = writableColumns(def).map((p) => p.name);
  const defaults = await columnDefaults(trx, def.table);
  const points = def.geometry === 'Point';
  const payload = rows.map((r) => {
    const o: Record<string, unknown> = { ...r.values, key: r.key ?? r.values.key ?? null };
    if (points && r.geometry.type === 'Point') {
      o._x = r.geometry.coordinates[0];
      o._y = r.geometry.coordinates[1];
    } else o._g = r.geometry;
    return o;
  });
  const value = (c: string) => {
    const d = defaults.get(c);
    return d ? sql`coalesce(r.${sql.ref(c)}, ${sql.raw(d)})` : sql`r.${sql.ref(c)}`;
  };
  // polygons are stored counter-clockwise (RFC 7946 right-hand rule; shapefiles store outer rings clockwise)
  const g = points
    ? sql`ST_SetSRID(ST_MakePoint((j->>'_x')::float8, (j->>'_y')::float8), 4326)`
    : def.geometry === 'Polygon'
      ? sql`ST_ForcePolygonCCW(ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(j->>'_g'), 4326)))`
      : sql`ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(j->>'_g'), 4326))`;
  const inserted = await sql<{
    id: number;
  }>`insert into ${sql.table(def.table)} (${sql.join(cols.map((c) => sql.ref(c)))}, geom)
    select ${sql.join(cols.map(value))}, p.geom
    from json_array_elements(${JSON.stringify(payload)}::text::json) j
    cross join lateral json_populate_record(null::${sql.table(def.table)}, j) r
    cross join lateral (select ${g} as geom) p
    returning id`.execute(trx);
  const ids = inserted.rows.map((r) => r.id);
  if (def.id === 'update-lines') await assignLinesToAreas(trx, sql`l.id = any(${ids}::int[])`);
  return ids;
}

/**
 * Assigns the update lines that `where` picks (alias `l`; all of them by default) and that have no area to the update area of their
 * facility holding most of each line (at least half of its length; on a tie the latest year, then the newest
 * area). Used for the lines of an update-lines import and, after an update-areas import, for every line
 * left without an area (a `--replace` of the areas empties `area_id` through the foreign key). Returns how
 * many lines were assigned.
 */
export async function assignLinesToAreas(
  trx: Kysely<Database>,
  where: RawBuilder<unknown> = sql`true`,
): Promise<number> {
  const r = await sql`with pick as (
      select l.id, (
        select a.id from update_areas a
        where a.facility = l.facility and ST_Intersects(a.geom, l.geom)
          and ST_Length(ST_Intersection(a.geom, l.geom)::geography) >= 0.5 * ST_Length(l.geom::geography)
        order by round((ST_Length(ST_Intersection(a.geom, l.geom)::geography) / nullif(ST_Length(l.geom::geography), 0))::numeric, 2) desc,
          a.year desc, a.id desc
        limit 1) as area_id
      from update_lines l where ${where} and l.area_id is null)
    update update_lines u set area_id = pick.area_id from pick where u.id = pick.id and pick.area_id is not null`.execute(
    trx,
  );
  return Number(r.numAffectedRows ?? 0);
}

/**
 * Before the update areas are replaced: remembers which area (by facility, name and year — ids change)
 * each line is in, for `restoreAreaLinks` after the new areas are loaded. Lives until the transaction ends.
 */
export async function rememberAreaLinks(trx: Kysely<Database>): Promise<void> {
  await sql`create temp table import_area_links on commit drop as
    select l.id as line_id, a.facility, a.name, a.year
    from update_lines l join update_areas a on a.id = l.area_id`.execute(trx);
}

/**
 * After the update areas were replaced: puts each line remembered by `rememberAreaLinks` back in the new
 * area of the same facility, name and year (the lowest id if the file repeats one). Returns how many.
 */
export async function restoreAreaLinks(trx: Kysely<Database>): Promise<number> {
  const r = await sql`update update_lines l set area_id = m.area_id
    from (
      select k.line_id, min(n.id) as area_id from import_area_links k
      join update_areas n on n.facility = k.facility and n.name = k.name and n.year = k.year
      group by k.line_id
    ) m
    where l.id = m.line_id and l.area_id is null`.execute(trx);
  return Number(r.numAffectedRows ?? 0);
}

/** Ids of the update areas (few): an imported line's `area_id` must name one of them. */
export async function updateAreaIds(trx: Kysely<Database>): Promise<Set<number>> {
  const r = await sql<{ id: number }>`select id from update_areas`.execute(trx);
  return new Set(r.rows.map((x) => Number(x.id)));
}

/** Writes the import to the audit log (`action = 'import'`, counts and file name in `detail`). */
export async function auditImport(
  trx: Kysely<Database>,
  def: CollectionDef,
  user: { id: number | null; username: string } | undefined,
  detail: Record<string, unknown>,
): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({
      user_id: user?.id ?? null,
      username: user?.username ?? 'cli',
      action: 'import',
      collection: def.id,
      feature_id: null,
      before: null,
      after: null,
      detail: jsonb(detail) as never,
    })
    .execute();
}
