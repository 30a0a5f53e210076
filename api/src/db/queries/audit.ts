import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

/** Filters of an audit log query, already validated. */
export interface AuditQuery {
  username?: string;
  collection?: string;
  featureId?: number;
  /** Inclusive lower bound of `at` (ISO date or date-time). */
  from?: string;
  /** Exclusive upper bound of `at`. */
  to?: string;
  action?: string;
  limit: number;
  offset: number;
}

/** One audit entry as the API shows it. */
export interface AuditEntry {
  id: number;
  at: string;
  username: string | null;
  action: string;
  collection: string | null;
  featureId: number | null;
  before: unknown;
  after: unknown;
  detail: unknown;
}

/** A page of audit entries, newest first, and how many match. */
export async function listAudit(
  db: Kysely<Database>,
  q: AuditQuery,
): Promise<{ numberMatched: number; entries: AuditEntry[] }> {
  let base = db.selectFrom('audit_log');
  if (q.username !== undefined) base = base.where('username', '=', q.username);
  if (q.collection !== undefined) base = base.where('collection', '=', q.collection);
  if (q.featureId !== undefined) base = base.where('feature_id', '=', q.featureId);
  if (q.action !== undefined) base = base.where('action', '=', q.action);
  if (q.from !== undefined) base = base.where(sql<boolean>`at >= ${q.from}::timestamptz`);
  if (q.to !== undefined) base = base.where(sql<boolean>`at < ${q.to}::timestamptz`);
  const [rows, count] = await Promise.all([
    base
      .select([
        'id',
        sql<string>`to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('at'),
        'username',
        'action',
        'collection',
        'feature_id',
        'before',
        'after',
        'detail',
      ])
      .orderBy('id', 'desc')
      .limit(q.limit)
      .offset(q.offset)
      .execute(),
    base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirst(),
  ]);
  return {
    numberMatched: count?.n ?? 0,
    entries: rows.map((r) => ({
      id: Number(r.id),
      at: r.at,
      username: r.username,
      action: r.action,
      collection: r.collection,
      featureId: r.feature_id,
      before: r.before,
      after: r.after,
      detail: r.detail,
    })),
  };
}
