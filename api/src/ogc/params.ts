/**
 * Parsers and zod schemas of the OGC API – Features query parameters (bbox, datetime, limit, offset,
 * f and the per-collection `{property}=value` filters), all derived from api/src/collections.ts.
 */
import { z } from '@hono/zod-openapi';
import { allProperties, COLLECTIONS, type CollectionDef, type PropertyDef } from '../collections.js';
import { ApiError } from '../errors.js';

/** Output formats of items: GeoJSON (`json`/`geojson`) or CSV. */
export const FORMATS = ['json', 'geojson', 'csv'] as const;

/**
 * Decimal number syntax of a query parameter: optional sign, digits with an optional fraction, optional exponent
 * (`12`, `-0.5`, `.5`, `1e3`). Not hex, binary or octal (`0x10`), not `Infinity`, not blank: `Number()` and
 * `z.coerce.number()` read all of those, and `''` as 0.
 */
const DECIMAL_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** The number a query parameter writes in decimal syntax, or NaN (empty, hex, `Infinity`, words…). */
export function decimalNumber(raw: string): number {
  return DECIMAL_RE.test(raw) ? Number(raw) : Number.NaN;
}

/**
 * A numeric query parameter: a string in decimal syntax (see DECIMAL_RE) is read as a number, then `check`ed,
 * e.g. `decimalParam((n) => n.int().min(1))`. An empty or non-decimal value is an error ("expected a decimal
 * number"), never 0; a missing one is "required" unless `check` makes it optional or gives a default. The OpenAPI
 * document shows the checked number schema (type, bounds, default), not a nullable one as `z.coerce` gives.
 */
export function decimalParam<T extends z.ZodType = z.ZodNumber>(check?: (n: z.ZodNumber) => T) {
  const number = z.number({ error: (iss) => (iss.input === undefined ? 'required' : 'expected a decimal number') });
  const checked = (check ? check(number) : number) as T;
  return z.preprocess((v) => (typeof v === 'string' && DECIMAL_RE.test(v) ? Number(v) : v), checked);
}

/**
 * Whether a text value holds a C0 control character other than tab, line feed and carriage return (NUL, ESC…):
 * no name, address or search contains one, and PostgreSQL text cannot hold NUL.
 */
export function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
  }
  return false;
}

/** `schema` refusing control characters (PostgreSQL text cannot hold NUL): a 400 naming the parameter. */
export function withoutControls(schema: z.ZodString) {
  return schema.refine((s) => !hasControlCharacter(s), 'control characters (such as NUL) are not allowed');
}

/** Parses `bbox` (four numbers in range, west ≤ east, south ≤ north). */
export function parseBbox(raw: string | undefined): [number, number, number, number] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((s) => decimalNumber(s.trim()));
  const bad = (message: string) => ApiError.badRequest(`Invalid bbox: ${message}`, [{ field: 'bbox', message }]);
  if (parts.length !== 4) throw bad(`expected 4 numbers minLon,minLat,maxLon,maxLat, got ${parts.length}`);
  if (parts.some((n) => !Number.isFinite(n))) throw bad('every value must be a finite decimal number');
  const [w, s, e, n] = parts as [number, number, number, number];
  if (w < -180 || e > 180 || s < -90 || n > 90) throw bad('longitudes must lie in −180…180 and latitudes in −90…90');
  if (w > e || s > n) throw bad('minLon must not exceed maxLon, nor minLat maxLat');
  return [w, s, e, n];
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * The calendar date (YYYY-MM-DD) of an RFC 3339 date or date-time as written, in the offset it gives
 * (`2023-04-07T08:00:00+09:00` is 2023-04-07, not the UTC day 2023-04-06: the stored dates are Korean calendar
 * dates) and, for a date-time, its instant in ms; undefined when it is not a valid one.
 */
function instant(s: string): { day: string; ms?: number } | undefined {
  const m = DATE_RE.exec(s) ?? DATETIME_RE.exec(s);
  if (!m) return undefined;
  const day = `${m[1]}-${m[2]}-${m[3]}`;
  const check = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== day) return undefined;
  if (m[4] === undefined) return { day }; // a date alone
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 60) return undefined;
  const offset = /^[+-](\d{2}):(\d{2})$/.exec(m[8] ?? '');
  if (offset && (Number(offset[1]) > 23 || Number(offset[2]) > 59)) return undefined;
  // a leap second (:60) counts as the last second of its minute
  const ms = Date.parse(
    `${day}T${m[4]}:${m[5]}:${m[6] === '60' ? '59' : m[6]}${m[7] ?? ''}${(m[8] ?? 'Z').toUpperCase()}`,
  );
  return { day, ms };
}

/**
 * Parses `datetime`: an RFC 3339 instant (`2024-03-01`, `2024-03-01T09:00:00Z`) or an interval
 * `start/end` with `..` (or nothing) for an open end. Each is compared by its calendar date as written (in its
 * own offset; see instant).
 */
export function parseDatetime(raw: string | undefined): { start?: string; end?: string } | undefined {
  if (raw === undefined) return undefined;
  const bad = (message: string) =>
    ApiError.badRequest(`Invalid datetime: ${message}`, [{ field: 'datetime', message }]);
  const parts = raw.split('/');
  if (parts.length > 2) throw bad('expected an instant or an interval start/end');
  if (parts.length === 1) {
    const day = instant(raw)?.day;
    if (!day) throw bad(`"${raw.slice(0, 40)}" is not an RFC 3339 date or date-time`);
    return { start: day, end: day };
  }
  const [start, end] = parts.map((p) => {
    if (p === '..' || p === '') return undefined;
    const t = instant(p);
    if (!t) throw bad(`"${p.slice(0, 40)}" is not an RFC 3339 date or date-time, nor ".."`);
    return t;
  });
  // two date-times are ordered as instants (their dates as written may differ in order when the offsets differ)
  const inverted =
    start && end && (start.ms !== undefined && end.ms !== undefined ? start.ms > end.ms : start.day > end.day);
  if (inverted) throw bad('the interval starts after it ends');
  return { ...(start ? { start: start.day } : {}), ...(end ? { end: end.day } : {}) };
}

/** Zod schema of one `{property}=value` filter, typed by the property's definition. */
export function filterSchema(p: PropertyDef): z.ZodType {
  const described = (s: z.ZodType) => s.optional().openapi({ description: `${p.en} (${p.ko}): equality filter` });
  if (p.enum) return described(z.enum(p.enum as [string, ...string[]]));
  switch (p.type) {
    case 'integer':
      return described(
        decimalParam((n) =>
          n
            .int()
            .min(p.minimum ?? -2147483648)
            .max(p.maximum ?? 2147483647),
        ),
      );
    case 'number':
      return described(decimalParam((n) => n.min(-1e15).max(1e15)));
    case 'boolean':
      return described(z.enum(['true', 'false']));
    case 'month':
      return described(z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM'));
    case 'date':
      return described(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD'));
    default:
      return described(
        withoutControls(
          z
            .string()
            .min(1)
            .max(p.maxLength ?? 200),
        ),
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
    limit: decimalParam((n) => n.int().min(1).max(10000).default(100)).openapi({
      description: 'Features per page (1–10000)',
    }),
    offset: decimalParam((n) => n.int().min(0).max(1e9).default(0)).openapi({ description: 'Features to skip' }),
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

/**
 * Query of the JSON documents (landing page, conformance, collections, queryables, the OpenAPI document): only
 * `f=json`, which OGC API clients may send (GDAL, QGIS, pygeoapi-style links); anything else is a 400.
 */
export const documentQuerySchema = z.object({
  f: z.enum(['json']).optional().openapi({ description: 'Output format: json (the only one offered)' }),
});

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

/** 404 for a collection id that is not one of the six, naming `collectionId`. */
export function unknownCollectionError(id: string): ApiError {
  return new ApiError(404, `No collection "${id.slice(0, 60)}"`, {
    errors: [{ field: 'collectionId', message: `not a collection (${Object.keys(COLLECTIONS).join(', ')})` }],
  });
}
