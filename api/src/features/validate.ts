/**
 * Validation of a GeoJSON Feature sent by staff against a collection's definition (collections.ts):
 * geometry type and structure, properties' types, enums, ranges and lengths, required ones, unknown
 * ones, and read-only ones (ignored, never trusted). Checks that need PostGIS (valid geometry, inside
 * the city) run in the write transaction (db/queries/writes.ts).
 */
import { allProperties, type CollectionDef, type PropertyDef } from '../collections.js';
import type { FieldError } from '../errors.js';

/** How a write treats properties that are not sent. */
export type WriteMode = 'create' | 'replace' | 'patch';

/** A validated write: the geometry (when sent) and column values by name (null clears a column). */
export interface ValidatedFeature {
  geometry?: GeoJsonGeometry;
  values: Record<string, unknown>;
  /** Columns to reset to their database default (replace: properties not sent that have one). */
  defaults: string[];
}

/** A GeoJSON geometry that passed the structural checks. */
export interface GeoJsonGeometry {
  type: string;
  coordinates: unknown;
}

/** Properties a client may send back unchanged from a GET; they are ignored. */
const ECHOED = new Set(['updated_at']);
/** Columns with a database default that a replace without them resets. */
const HAS_DEFAULT = new Set(['verified', 'demo', 'characters', 'units', 'status']);

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])(-[0-3]\d)?$/;

function isRealDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function hasNul(s: string): boolean {
  return s.includes('\u0000');
}

/** Why a property value is refused, or undefined when it is acceptable. */
export function propertyProblem(p: PropertyDef, value: unknown): string | undefined {
  switch (p.type) {
    case 'text': {
      if (typeof value !== 'string') return 'must be a string';
      if (hasNul(value)) return 'must not contain NUL characters';
      if (p.maxLength !== undefined && value.length > p.maxLength) return `must have at most ${p.maxLength} characters`;
      if (p.enum && !p.enum.includes(value)) return `must be one of ${p.enum.join(', ')}`;
      return undefined;
    }
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
      if (p.type === 'integer' && !Number.isSafeInteger(value)) return 'must be an integer';
      if (p.minimum !== undefined && value < p.minimum) return `must be at least ${p.minimum}`;
      if (p.maximum !== undefined && value > p.maximum) return `must be at most ${p.maximum}`;
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'date':
      return typeof value === 'string' && isRealDate(value) ? undefined : 'must be a date YYYY-MM-DD';
    case 'month':
      return typeof value === 'string' && MONTH_RE.test(value) && (value.length === 7 || isRealDate(value))
        ? undefined
        : 'must be YYYY-MM or a date YYYY-MM-DD';
    case 'text[]':
      if (!Array.isArray(value)) return 'must be an array of strings';
      if (value.length > 100) return 'must have at most 100 entries';
      if (value.some((v) => typeof v !== 'string' || v.length > 200 || hasNul(v))) {
        return 'every entry must be a string of at most 200 characters';
      }
      return undefined;
    case 'json':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object';
      if (JSON.stringify(value).includes('\\u0000') || JSON.stringify(value).length > 100_000) {
        return 'must be at most 100000 characters and contain no NUL';
      }
      return undefined;
  }
}

function isPosition(p: unknown): boolean {
  return (
    Array.isArray(p) &&
    (p.length === 2 || p.length === 3) &&
    p.every((n) => typeof n === 'number' && Number.isFinite(n)) &&
    Math.abs(p[0] as number) <= 180 &&
    Math.abs(p[1] as number) <= 90
  );
}

function positions(c: unknown, min: number): string | undefined {
  if (!Array.isArray(c) || c.length < min) return `needs at least ${min} positions`;
  if (c.length > 100_000) return 'has too many positions';
  if (!c.every(isPosition)) return 'every position must be [longitude, latitude] in range';
  return undefined;
}

function ring(c: unknown): string | undefined {
  const bad = positions(c, 4);
  if (bad) return `a ring ${bad}`;
  const r = c as number[][];
  const [a, b] = [r[0] as number[], r[r.length - 1] as number[]];
  if (a[0] !== b[0] || a[1] !== b[1]) return 'every ring must be closed (last position = first)';
  return undefined;
}

function polygon(c: unknown): string | undefined {
  if (!Array.isArray(c) || c.length < 1) return 'a polygon needs at least one ring';
  for (const r of c) {
    const bad = ring(r);
    if (bad) return bad;
  }
  return undefined;
}

/** Why a GeoJSON geometry is structurally wrong for the collection, or undefined. */
export function geometryProblem(def: CollectionDef, g: unknown): string | undefined {
  if (typeof g !== 'object' || g === null) return 'must be a GeoJSON geometry object';
  const { type, coordinates } = g as { type?: unknown; coordinates?: unknown };
  if (typeof type !== 'string') return 'must have a "type"';
  if (!def.geometryTypes.includes(type))
    return `must be ${def.geometryTypes.join(' or ')} for "${def.id}", got ${type}`;
  const many = (c: unknown, each: (x: unknown) => string | undefined) => {
    if (!Array.isArray(c) || c.length < 1) return `${type} needs at least one part`;
    for (const x of c) {
      const bad = each(x);
      if (bad) return bad;
    }
    return undefined;
  };
  switch (type) {
    case 'Point':
      return isPosition(coordinates) ? undefined : 'coordinates must be [longitude, latitude] in range';
    case 'LineString':
      return positions(coordinates, 2);
    case 'MultiLineString':
      return many(coordinates, (x) => positions(x, 2));
    case 'Polygon':
      return polygon(coordinates);
    case 'MultiPolygon':
      return many(coordinates, polygon);
    default:
      return `unsupported geometry type ${type}`;
  }
}

/**
 * Validates a Feature body for a write. `create` and `replace` need every required property (and a
 * geometry); `patch` is a JSON merge patch: only what is sent changes, `null` clears. Returns the
 * values or the list of every bad field.
 */
export function validateFeature(
  def: CollectionDef,
  body: unknown,
  mode: WriteMode,
): { ok: true; value: ValidatedFeature } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: [{ field: '(body)', message: 'must be a GeoJSON Feature object' }] };
  }
  const f = body as Record<string, unknown>;
  if (mode !== 'patch' || f.type !== undefined) {
    if (f.type !== 'Feature') errors.push({ field: 'type', message: 'must be "Feature"' });
  }
  let geometry: GeoJsonGeometry | undefined;
  if (f.geometry === undefined || f.geometry === null) {
    if (mode !== 'patch' || f.geometry === null) errors.push({ field: 'geometry', message: 'is required' });
  } else {
    const bad = geometryProblem(def, f.geometry);
    if (bad) errors.push({ field: 'geometry', message: bad });
    else geometry = f.geometry as GeoJsonGeometry;
  }
  let props: Record<string, unknown> = {};
  if (f.properties !== undefined && f.properties !== null) {
    if (typeof f.properties !== 'object' || Array.isArray(f.properties)) {
      errors.push({ field: 'properties', message: 'must be an object' });
    } else props = f.properties as Record<string, unknown>;
  } else if (mode !== 'patch') {
    errors.push({ field: 'properties', message: 'is required' });
  }
  const defs = new Map(allProperties(def).map((p) => [p.name, p]));
  for (const name of Object.keys(props)) {
    if (!defs.has(name) && !ECHOED.has(name)) {
      errors.push({ field: `properties.${name}`, message: `is not a property of "${def.id}"` });
    }
  }
  const values: Record<string, unknown> = {};
  const defaults: string[] = [];
  for (const p of defs.values()) {
    if (p.readOnly) continue; // computed by the server; whatever was sent is ignored
    const field = `properties.${p.name}`;
    const sent = Object.hasOwn(props, p.name);
    const value = props[p.name];
    if (!sent || value === null) {
      if (p.required && (mode !== 'patch' || sent)) errors.push({ field, message: 'is required' });
      else if (mode === 'patch' && !sent) continue;
      else if (!sent && mode === 'replace' && HAS_DEFAULT.has(p.name)) defaults.push(p.name);
      else if (!(mode === 'create' && !sent)) {
        if (HAS_DEFAULT.has(p.name)) defaults.push(p.name);
        else values[p.name] = null;
      }
      continue;
    }
    const bad = propertyProblem(p, value);
    if (bad) errors.push({ field, message: bad });
    else values[p.name] = value;
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { ...(geometry ? { geometry } : {}), values, defaults } };
}
