/**
 * Parsers and zod schemas of the OGC API – Features query parameters (bbox, datetime, limit, offset,
 * f and the per-collection `{property}=value` filters), all derived from api/src/collections.ts.
 */
import { z } from '@hono/zod-openapi';
import { allProperties, type CollectionDef, type PropertyDef } from '../collections.js';
import { ApiError } from '../errors.js';

/** Output formats of items: GeoJSON (`json`/`geojson`) or CSV. */
export const FORMATS = ['json', 'geojson', 'csv'] as const;

/** Parses `bbox` (four numbers in range, west ≤ east, south ≤ north). */
export function parseBbox(raw: string | undefined): [number, number, number, number] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((s) => (s.trim() === '' ? Number.NaN : Number(s)));
  const bad = (message: string) => ApiError.badRequest(`Invalid bbox: ${message}`, [{ field: 'bbox', message }]);
  if (parts.length !== 4) throw bad(`expected 4 numbers minLon,minLat,maxLon,maxLat, got ${parts.length}`);
  if (parts.some((n) => !Number.isFinite(n))) throw bad('every value must be a finite number');
  const [w, s, e, n] = parts as [number, number, number, number];
  if (w < -180 || e > 180 || s < -90 || n > 90) throw bad('longitudes must lie in −180…180 and latitudes in −90…90');
  if (w > e || s > n) throw bad('minLon must not exceed maxLon, nor minLat maxLat');
  return [w, s, e, n];
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The UTC calendar date (YYYY-MM-DD) of an RFC 3339 date or date-time, or undefined when it is not one. */
function instantDate(s: string): string | undefined {
  const d = DATE_RE.exec(s);
  if (d) {
    const t = new Date(`${s}T00:00:00Z`);
    return Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== s ? undefined : s;
  }
  const m = DATETIME_RE.exec(s);
  if (!m) return undefined;
  const day = `${m[1]}-${m[2]}-${m[3]}`;
  const check = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== day) return undefined;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 60) return undefined;
  const t = new Date(s.toUpperCase());
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString().slice(0, 10);
}

/**
 * Parses `datetime`: an RFC 3339 instant (`2024-03-01`, `2024-03-01T09:00:00Z`) or an interval
 * `start/end` with `..` (or nothing) for an open end. Dates are compared by their UTC calendar day.
 */
export function parseDatetime(raw: string | undefined): { start?: string; end?: string } | undefined {
  if (raw === undefined) return undefined;
  const bad = (message: string) =>
    ApiError.badRequest(`Invalid datetime: ${message}`, [{ field: 'datetime', message }]);
  const parts = raw.split('/');
  if (parts.length > 2) throw bad('expected an instant or an interval start/end');
  if (parts.length === 1) {
    const day = instantDate(raw);
    if (!day) throw bad(`"${raw.slice(0, 40)}" is not an RFC 3339 date or date-time`);
    return { start: day, end: day };
  }
  const ends = parts.map((p) => {
    if (p === '..' || p === '') return undefined;
    const day = instantDate(p);
    if (!day) throw bad(`"${p.slice(0, 40)}" is not an RFC 3339 date or date-time, nor ".."`);
    return day;
  });
  const [start, end] = ends;
  if (start && end && start > end) throw bad('the interval starts after it ends');
  return { ...(start ? { start } : {}), ...(end ? { end } : {}) };
}

/** Zod schema of one `{property}=value` filter, typed by the property's definition. */
export function filterSchema(p: PropertyDef): z.ZodType {
  const described = (s: z.ZodType) => s.optional().openapi({ description: `${p.en} (${p.ko}): equality filter` });
  if (p.enum) return described(z.enum(p.enum as [string, ...string[]]));
  switch (p.type) {
    case 'integer':
      return described(
        z.coerce
          .number()
          .int()
          .min(p.minimum ?? -2147483648)
          .max(p.maximum ?? 2147483647),
      );
    case 'number':
      return described(z.coerce.number().min(-1e15).max(1e15));
    case 'boolean':
      return described(z.enum(['true', 'false']));
    case 'month':
      return described(z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM'));
    case 'date':
      return described(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD'));
    default:
      return described(
        z
          .string()
          .min(1)
          .max(p.maxLength ?? 200),
      );
  }
}

/** The queryable properties of a collection (those that may be `{property}=value` filters). */
export function queryables(def: CollectionDef): PropertyDef[] {
  return allProperties(def).filter((p) => p.queryable);
}

/** Converts validated filter strings to the column's value type. */
export function filterValues(
  def: CollectionDef,
  query: Record<string, unknown>,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const p of queryables(def)) {
    const v = query[p.name];
    if (v === undefined) continue;
    out[p.name] = p.type === 'boolean' ? v === 'true' : (v as string | number);
  }
  return out;
}

/** Query schema of `GET /collections/{id}/items` for one collection. */
export function itemsQuerySchema(def: CollectionDef) {
  const shape: Record<string, z.ZodType> = {
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(10000)
      .default(100)
      .openapi({ description: 'Features per page (1–10000)' }),
    offset: z.coerce.number().int().min(0).max(1e9).default(0).openapi({ description: 'Features to skip' }),
    bbox: z
      .string()
      .max(200)
      .optional()
      .openapi({ description: 'minLon,minLat,maxLon,maxLat (CRS84)', example: '126.6,37.6,126.7,37.7' }),
    f: z.enum(FORMATS).optional().openapi({ description: 'Output format: json (GeoJSON, default) or csv' }),
  };
  if (def.datetimeColumn) {
    shape.datetime = z
      .string()
      .max(100)
      .optional()
      .openapi({
        description: `RFC 3339 instant or interval (start/end, ".." open) on ${def.datetimeColumn}`,
        example: '2024-01-01/..',
      });
  }
  for (const p of queryables(def)) shape[p.name] = filterSchema(p);
  return z.object(shape);
}

/** Throws 400 naming every query parameter the route does not know. */
export function rejectUnknownParams(url: string, allowed: readonly string[]): void {
  const known = new Set(allowed);
  const unknown = [...new Set(new URL(url).searchParams.keys())].filter((k) => !known.has(k));
  if (unknown.length) {
    const shown = unknown.map((k) => k.slice(0, 60));
    throw ApiError.badRequest(
      `Unknown query parameter${shown.length > 1 ? 's' : ''}: ${shown.join(', ')} (allowed: ${allowed.join(', ')})`,
      shown.map((field) => ({ field, message: 'unknown query parameter' })),
    );
  }
}
