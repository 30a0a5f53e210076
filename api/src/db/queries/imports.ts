/**
 * SQL of imports: everything runs in one transaction opened by `inImportTransaction`; batches of rows are
 * inserted with multi-row INSERTs, wifi points get their 읍면동 and update-lines their update area, and
 * the import is written to the audit log. An error (or `RollbackSignal`) rolls everything back.
 */
import type { Geometry } from 'geojson';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { type CollectionDef, writableColumns } from '../../collections.js';
import type { Database } from '../schema.js';
import { columnValue, geometryValue } from './features.js';

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

/** Which of these keys already exist in the collection. */
export async function existingKeys(trx: Kysely<Database>, def: CollectionDef, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const r = await sql<{
    key: string;
  }>`select key from ${sql.table(def.table)} where key = any(${keys}::text[])`.execute(trx);
  const found = new Set(r.rows.map((x) => x.key));
  if (def.id === 'wifi') {
    // rows entered by hand carry no key: match their 관리번호 too
    const nos = keys.filter((k) => k.startsWith('wifi-no-')).map((k) => k.slice(8));
    const m = await sql<{ mgmt_no: string }>`select mgmt_no from wifi where mgmt_no = any(${nos}::text[])`.execute(trx);
    for (const x of m.rows) found.add(`wifi-no-${x.mgmt_no}`);
  }
  if (def.id === 'admin-areas') {
    const codes = keys.filter((k) => k.startsWith('admin-')).map((k) => k.slice(6));
    const m = await sql<{ code: string }>`select code from admin_areas where code = any(${codes}::text[])`.execute(trx);
    for (const x of m.rows) found.add(`admin-${x.code}`);
  }
  return found;
}

/** A JSON value as jsonb, sent as text (the same on postgres.js and PGlite). */
function jsonb(value: unknown): RawBuilder<unknown> {
  return sql`${JSON.stringify(value)}::text::jsonb`;
}

function geom(def: CollectionDef, g: Geometry): RawBuilder<unknown> {
  if (g.type === 'Point') {
    const [x, y] = g.coordinates as [number, number];
    return sql`ST_SetSRID(ST_MakePoint(${x}, ${y}), 4326)`;
  }
  return geometryValue(def, g);
}

/**
 * Inserts one batch; then fills wifi's `emd` from the 읍면동 containing the point, and assigns each
 * update line to the update area of its facility that holds most of it (at least half; latest year
 * first). Returns the new ids.
 */
export async function insertBatch(trx: Kysely<Database>, def: CollectionDef, rows: ImportRow[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const cols = writableColumns(def);
  const records = rows.map((r) => {
    const v: Record<string, unknown> = {};
    // a missing value takes the column default (verified, demo …), a multi-row INSERT needs every column
    for (const p of cols) {
      const x = r.values[p.name];
      // text → jsonb in SQL: postgres.js would encode a string parameter typed jsonb a second time
      v[p.name] = x === undefined ? sql`default` : p.type === 'json' ? jsonb(x) : columnValue(p, x);
    }
    v.key = r.key ?? null;
    v.geom = geom(def, r.geometry);
    return v;
  });
  const inserted = await trx
    .insertInto(def.table as 'wifi')
    .values(records as never)
    .returning('id')
    .execute();
  const ids = inserted.map((r) => r.id as number);
  if (def.id === 'wifi') {
    await sql`update wifi w set emd = a.name_ko from admin_areas a
      where w.id = any(${ids}::int[]) and w.emd is null and ST_Contains(a.geom, w.geom)`.execute(trx);
  }
  if (def.id === 'update-lines') {
    await sql`update update_lines l set area_id = (
        select a.id from update_areas a
        where a.facility = l.facility and ST_Intersects(a.geom, l.geom)
          and ST_Length(ST_Intersection(a.geom, l.geom)::geography) >= 0.5 * ST_Length(l.geom::geography)
        order by round((ST_Length(ST_Intersection(a.geom, l.geom)::geography) / nullif(ST_Length(l.geom::geography), 0))::numeric, 2) desc,
          a.year desc, a.id desc
        limit 1)
      where l.id = any(${ids}::int[]) and l.area_id is null`.execute(trx);
  }
  return ids;
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
