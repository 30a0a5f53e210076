/**
 * Staff writes to a collection: insert, replace/patch and delete of one feature, each ONE transaction
 * that locks the row, checks the version the client edited (If-Match), checks the geometry with
 * PostGIS, writes, and appends the change (before and after as GeoJSON) to the audit log.
 */
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { CITY_BBOX, type CollectionDef, writableColumns } from '../../collections.js';
import { ApiError, type FieldError } from '../../errors.js';
import type { GeoJsonGeometry, ValidatedFeature } from '../../features/validate.js';
import type { Database } from '../schema.js';
import { columnValue, featureJson, geometryValue } from './features.js';

/** Who makes a change, as recorded in the audit log. */
export interface Actor {
  id: number;
  username: string;
}

/** A lon/lat bounding box `[w, s, e, n]`. */
export type Box = readonly [number, number, number, number];

/** The outcome of a write: the feature after it (undefined after a delete) and the boxes it touched. */
export interface WriteResult {
  id: number;
  version: number;
  /** The GeoJSON Feature after the write, as text (undefined after a delete). */
  json?: string;
  /** Bounding boxes of the old and new geometry, for purging tiles. */
  boxes: Box[];
}

interface Locked {
  id: number;
  version: number;
  json: string;
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

type Db = Kysely<Database>;

/** The ETag of a feature version, as `GET …/items/{id}` sends it. */
export function featureEtag(collectionId: string, id: number, version: number): string {
  return `"${collectionId}-${id}-v${version}"`;
}

/**
 * The versions an `If-Match` header names for this feature (weak or strong, one or a list). 428 when the
 * header is missing or `*` (a replace or patch must name the version it edited).
 */
export function ifMatchVersions(header: string | undefined, collectionId: string, id: number): number[] {
  if (header === undefined || header.trim() === '') {
    throw new ApiError(428, 'If-Match is required: send the ETag of the version you edited', {
      errors: [{ field: 'If-Match', message: 'is required' }],
    });
  }
  if (header.trim() === '*') {
    throw new ApiError(428, 'If-Match must name the version you edited (its ETag), not *', {
      errors: [{ field: 'If-Match', message: 'must be an ETag, not *' }],
    });
  }
  const prefix = `${collectionId}-${id}-v`;
  const out: number[] = [];
  for (const m of header.matchAll(/(?:W\/)?"([^"]*)"/g)) {
    const tag = m[1] ?? '';
    if (tag.startsWith(prefix) && /^\d{1,9}$/.test(tag.slice(prefix.length)))
      out.push(Number(tag.slice(prefix.length)));
  }
  return out;
}

/**
 * For a DELETE, where If-Match is optional: `undefined` (any version) when the header is missing or `*`,
 * else the versions it names (none of them current → 412).
 */
export function optionalIfMatchVersions(
  header: string | undefined,
  collectionId: string,
  id: number,
): number[] | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  return ifMatchVersions(header, collectionId, id);
}

function box(r: { xmin: number; ymin: number; xmax: number; ymax: number }): Box {
  return [r.xmin, r.ymin, r.xmax, r.ymax];
}

async function lockFeature(trx: Transaction<Database>, def: CollectionDef, id: number): Promise<Locked> {
  const r = await sql<Locked>`select t.id, t.version, ${featureJson(def)} as json,
      ST_XMin(t.geom) as xmin, ST_YMin(t.geom) as ymin, ST_XMax(t.geom) as xmax, ST_YMax(t.geom) as ymax
    from ${sql.table(def.table)} t where t.id = ${id} for update`.execute(trx);
  const row = r.rows[0];
  if (!row) throw ApiError.notFound(`No feature ${id} in "${def.id}"`);
  return row;
}

function checkVersion(def: CollectionDef, row: Locked, versions: number[]): void {
  if (!versions.includes(row.version)) {
    const etag = featureEtag(def.id, row.id, row.version);
    throw new ApiError(
      412,
      `Feature ${row.id} has changed since you loaded it: it is now version ${row.version} (ETag ${etag})`,
      {
        headers: { ETag: etag },
        extra: { currentEtag: etag, current: JSON.parse(row.json) },
      },
    );
  }
}

/** Refuses (400) a geometry PostGIS finds invalid, or outside the city unless the collection allows it. */
async function checkGeometry(trx: Transaction<Database>, def: CollectionDef, g: GeoJsonGeometry): Promise<void> {
  const [w, s, e, n] = CITY_BBOX;
  let row: { valid: boolean; reason: string; inside: boolean } | undefined;
  try {
    const r = await sql<{ valid: boolean; reason: string; inside: boolean }>`
      select ST_IsValid(g) as valid, ST_IsValidReason(g) as reason,
        ST_Within(g, ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)) as inside
      from (select ${geometryValue(def, g)} as g) x`.execute(trx);
    row = r.rows[0];
  } catch (err) {
    throw ApiError.badRequest('Invalid geometry', [{ field: 'geometry', message: (err as Error).message }]);
  }
  const errors: FieldError[] = [];
  if (!row?.valid) errors.push({ field: 'geometry', message: `is not valid: ${row?.reason ?? 'unknown reason'}` });
  else if (!row.inside && !def.allowOutsideCity) {
    errors.push({ field: 'geometry', message: `must lie inside Gimpo (${CITY_BBOX.join(', ')})` });
  }
  if (errors.length) throw ApiError.badRequest(`Invalid geometry: ${errors.map((x) => x.message).join('; ')}`, errors);
}

/** Column assignments of a validated write (values, resets to default, geometry). */
function assignments(def: CollectionDef, input: ValidatedFeature): Record<string, unknown> {
  const cols = new Map(writableColumns(def).map((p) => [p.name, p]));
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input.values)) {
    const p = cols.get(name);
    if (p) out[name] = columnValue(p, value);
  }
  for (const name of input.defaults) if (cols.has(name)) out[name] = sql`default`;
  if (input.geometry) out.geom = geometryValue(def, input.geometry);
  return out;
}

async function afterWrite(trx: Transaction<Database>, def: CollectionDef, id: number) {
  const r = await sql<Locked>`select t.id, t.version, ${featureJson(def)} as json,
      ST_XMin(t.geom) as xmin, ST_YMin(t.geom) as ymin, ST_XMax(t.geom) as xmax, ST_YMax(t.geom) as ymax
    from ${sql.table(def.table)} t where t.id = ${id}`.execute(trx);
  const row = r.rows[0];
  if (!row) throw new Error(`feature ${id} vanished inside its own transaction`);
  return row;
}

/** Appends one row to the audit log (inside the caller's transaction). */
export async function appendAudit(
  trx: Kysely<Database>,
  entry: {
    actor: Actor;
    action: string;
    collection?: string | null;
    featureId?: number | null;
    before?: string | null;
    after?: string | null;
    detail?: unknown;
  },
): Promise<void> {
  const jsonb = (text: string | null | undefined): RawBuilder<unknown> | null =>
    text === null || text === undefined ? null : sql`${text}::text::jsonb`;
  await trx
    .insertInto('audit_log')
    .values({
      user_id: entry.actor.id,
      username: entry.actor.username,
      action: entry.action,
      collection: entry.collection ?? null,
      feature_id: entry.featureId ?? null,
      before: jsonb(entry.before),
      after: jsonb(entry.after),
      detail: entry.detail === undefined ? null : sql`${JSON.stringify(entry.detail)}::text::jsonb`,
    })
    .execute();
}

/** Inserts a feature; the new row's id and version, its GeoJSON and box. */
export async function insertFeature(
  db: Db,
  def: CollectionDef,
  input: ValidatedFeature,
  actor: Actor,
): Promise<WriteResult> {
  if (!input.geometry)
    throw ApiError.badRequest('geometry is required', [{ field: 'geometry', message: 'is required' }]);
  const geometry = input.geometry;
  return db.transaction().execute(async (trx) => {
    await checkGeometry(trx, def, geometry);
    const r = await sql<{
      id: number;
    }>`insert into ${sql.table(def.table)} ${insertColumns(assignments(def, input))} returning id`.execute(trx);
    const id = r.rows[0]?.id;
    if (id === undefined) throw new Error('insert returned no id');
    const after = await afterWrite(trx, def, id);
    await appendAudit(trx, {
      actor,
      action: 'create',
      collection: def.id,
      featureId: id,
      before: null,
      after: after.json,
    });
    return { id, version: after.version, json: after.json, boxes: [box(after)] };
  });
}

function insertColumns(values: Record<string, unknown>): RawBuilder<unknown> {
  const names = Object.keys(values);
  return sql`(${sql.join(names.map((n) => sql.ref(n)))}) values (${sql.join(names.map((n) => values[n]))})`;
}

/** Replaces or patches a feature whose version is one of `versions`; bumps version and updated_at. */
export async function updateFeature(
  db: Db,
  def: CollectionDef,
  id: number,
  versions: number[],
  input: ValidatedFeature,
  actor: Actor,
  action: 'replace' | 'patch',
): Promise<WriteResult> {
  return db.transaction().execute(async (trx) => {
    const before = await lockFeature(trx, def, id);
    checkVersion(def, before, versions);
    if (input.geometry) await checkGeometry(trx, def, input.geometry);
    const set = assignments(def, input);
    const sets = Object.entries(set).map(([n, v]) => sql`${sql.ref(n)} = ${v}`);
    sets.push(sql`version = version + 1`, sql`updated_at = now()`);
    const r = await sql`update ${sql.table(def.table)} set ${sql.join(sets)}
      where id = ${id} and version = ${before.version}`.execute(trx);
    if (Number(r.numAffectedRows ?? 0) !== 1) throw new Error(`feature ${id} was not updated although it was locked`);
    const after = await afterWrite(trx, def, id);
    await appendAudit(trx, {
      actor,
      action,
      collection: def.id,
      featureId: id,
      before: before.json,
      after: after.json,
    });
    return { id, version: after.version, json: after.json, boxes: [box(before), box(after)] };
  });
}

/** Deletes a feature whose version is one of `versions` (any version when `versions` is undefined). */
export async function deleteFeature(
  db: Db,
  def: CollectionDef,
  id: number,
  versions: number[] | undefined,
  actor: Actor,
): Promise<WriteResult> {
  return db.transaction().execute(async (trx) => {
    const before = await lockFeature(trx, def, id);
    if (versions) checkVersion(def, before, versions);
    await sql`delete from ${sql.table(def.table)} where id = ${id}`.execute(trx);
    await appendAudit(trx, {
      actor,
      action: 'delete',
      collection: def.id,
      featureId: id,
      before: before.json,
      after: null,
    });
    return { id, version: before.version, boxes: [box(before)] };
  });
}

/** Turns a constraint violation of a write into a 4xx naming the field; other errors pass through. */
export function constraintError(err: unknown): unknown {
  const e = err as { code?: string; detail?: string; message?: string; constraint?: string; column?: string };
  const msg = e.detail || e.message || 'constraint violated';
  switch (e.code) {
    case '23505':
      return new ApiError(409, `Conflicts with an existing feature: ${msg}`, {
        errors: [{ field: fieldOf(msg), message: 'must be unique' }],
      });
    case '23503':
      return ApiError.badRequest(`Refers to something that does not exist: ${msg}`, [
        { field: fieldOf(msg), message: 'refers to a missing record' },
      ]);
    case '23514':
    case '23502':
    case '22003':
    case '22007':
    case '22008':
    case '22P02':
    case '22021':
    case '22P05':
      return ApiError.badRequest(`Invalid value: ${msg}`, [{ field: fieldOf(msg, e.column), message: msg }]);
    default:
      return err;
  }
}

function fieldOf(message: string, column?: string): string {
  const name = column ?? /Key \(([\w]+)\)/.exec(message)?.[1];
  return name ? `properties.${name}` : '(body)';
}
