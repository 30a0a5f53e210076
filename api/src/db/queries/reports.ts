/** Citizens' fault reports on assets (table fault_reports, migration 008). */
import { type Kysely, sql } from 'kysely';
import type { CollectionDef } from '../../collections.js';
import type { Database } from '../schema.js';
import { type Actor, appendAudit } from './writes.js';

/** Kinds of fault a citizen can report. */
export const REPORT_CATEGORIES = [
  'not-working',
  'damaged',
  'dirty',
  'wrong-location',
  'wrong-information',
  'other',
] as const;
/** States of a report, in the only order they may follow. */
export const REPORT_STATUSES = ['new', 'in-progress', 'resolved'] as const;
/** One report state. */
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** A report as staff see it (with the reporter's contact). */
export interface FaultReport {
  id: number;
  collection: string;
  featureId: number;
  category: string;
  message: string;
  contact: string | null;
  status: ReportStatus;
  lon: number;
  lat: number;
  createdAt: string;
  updatedAt: string;
}

const ROW = sql`id, collection, feature_id as "featureId", category, message, contact, status,
  ST_X(geom) as lon, ST_Y(geom) as lat,
  to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdAt",
  to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "updatedAt"`;

/**
 * Files a report on a feature, located at the feature (a point on it for lines and areas). Undefined
 * when the feature does not exist.
 */
export async function insertReport(
  db: Kysely<Database>,
  def: CollectionDef,
  input: { featureId: number; category: string; message: string; contact: string | null },
): Promise<FaultReport | undefined> {
  const r = await sql<FaultReport>`insert into fault_reports (collection, feature_id, category, message, contact, geom)
    select ${def.id}, t.id, ${input.category}, ${input.message}, ${input.contact},
      case when GeometryType(t.geom) = 'POINT' then t.geom else ST_PointOnSurface(t.geom) end
    from ${sql.table(def.table)} t where t.id = ${input.featureId}
    returning ${ROW}`.execute(db);
  return r.rows[0];
}

/** Reports on the given collections (all when undefined), newest first, optionally of one status. */
export async function listReports(
  db: Kysely<Database>,
  q: { collections?: readonly string[]; status?: ReportStatus; limit: number; offset: number },
): Promise<FaultReport[]> {
  if (q.collections && q.collections.length === 0) return [];
  const where = [sql`true`];
  if (q.collections) where.push(sql`collection in (${sql.join(q.collections)})`);
  if (q.status) where.push(sql`status = ${q.status}`);
  const r = await sql<FaultReport>`select ${ROW} from fault_reports where ${sql.join(where, sql` and `)}
    order by id desc limit ${q.limit} offset ${q.offset}`.execute(db);
  return r.rows;
}

/** One report by id, or undefined. */
export async function getReport(db: Kysely<Database>, id: number): Promise<FaultReport | undefined> {
  const r = await sql<FaultReport>`select ${ROW} from fault_reports where id = ${id}`.execute(db);
  return r.rows[0];
}

/**
 * Moves a report to `status` if it is currently `from` (compare-and-set), and audits the change, in one
 * transaction. Undefined when the report was changed meanwhile.
 */
export async function setReportStatus(
  db: Kysely<Database>,
  id: number,
  from: ReportStatus,
  status: ReportStatus,
  actor: Actor,
): Promise<FaultReport | undefined> {
  return db.transaction().execute(async (trx) => {
    const r =
      await sql<FaultReport>`update fault_reports set status = ${status}, updated_at = now(), updated_by = ${actor.id}
      where id = ${id} and status = ${from} returning ${ROW}`.execute(trx);
    const row = r.rows[0];
    if (!row) return undefined;
    await appendAudit(trx, {
      actor,
      action: 'report-status',
      collection: row.collection,
      featureId: row.featureId,
      detail: { report: id, from, to: status },
    });
    return row;
  });
}

/** Open reports (new or in progress) as a GeoJSON FeatureCollection text, without any personal data. */
export async function openReportsGeoJson(db: Kysely<Database>): Promise<string> {
  const r = await sql<{ json: string }>`select json_build_object('type', 'FeatureCollection', 'features',
      coalesce(json_agg(json_build_object(
        'type', 'Feature', 'id', id,
        'geometry', ST_AsGeoJSON(geom, 7)::json,
        'properties', json_build_object('collection', collection, 'feature_id', feature_id,
          'category', category, 'status', status,
          'created_at', to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
      ) order by id), '[]'::json))::text as json
    from fault_reports where status in ('new', 'in-progress')`.execute(db);
  return r.rows[0]?.json ?? '{"type":"FeatureCollection","features":[]}';
}
