/** Coerces mapped values to their column types and checks them against the collection definition. */
import type { Geometry } from 'geojson';
import { allProperties, type CollectionDef, type PropertyDef } from '../collections.js';
import type { FieldError } from '../errors.js';
import { inCity, likelyCause, positions } from './crs.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])(-[0-3]\d)?$/;

function coerce(p: PropertyDef, v: unknown): { value?: unknown; error?: string } {
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return { value: undefined };
  switch (p.type) {
    case 'text': {
      const s = typeof v === 'string' ? v.trim() : String(v);
      if (p.maxLength && s.length > p.maxLength) return { error: `longer than ${p.maxLength} characters` };
      if (p.enum && !p.enum.includes(s)) return { error: `"${s}" is not one of ${p.enum.join(', ')}` };
      return { value: s };
    }
    case 'integer':
    case 'number': {
      const n = typeof v === 'number' ? v : Number(String(v).trim());
      if (!Number.isFinite(n)) return { error: `"${v}" is not a number` };
      if (p.type === 'integer' && !Number.isInteger(n)) return { error: `${v} is not a whole number` };
      if (p.minimum !== undefined && n < p.minimum) return { error: `${n} is below the minimum ${p.minimum}` };
      if (p.maximum !== undefined && n > p.maximum) return { error: `${n} is above the maximum ${p.maximum}` };
      return { value: n };
    }
    case 'boolean': {
      if (typeof v === 'boolean') return { value: v };
      const s = String(v).trim().toLowerCase();
      if (['true', 't', 'y', 'yes', '1'].includes(s)) return { value: true };
      if (['false', 'f', 'n', 'no', '0'].includes(s)) return { value: false };
      return { error: `"${v}" is not true or false` };
    }
    case 'date': {
      if (v instanceof Date) {
        // the shapefile reader makes DBF dates local-time Dates, and a blank DBF date 1899-11-30 (Date(0, -1, 0))
        if (Number.isNaN(v.getTime()) || v.getFullYear() < 1900) return { value: undefined };
        const d = `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;
        return { value: d };
      }
      const s = String(v)
        .trim()
        .replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3');
      const t = new Date(`${s}T00:00:00Z`);
      if (!DATE.test(s) || Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== s)
        return { error: `"${v}" is not a date (YYYY-MM-DD)` };
      return { value: s };
    }
    case 'month': {
      const s = String(v).trim();
      if (!MONTH.test(s)) return { error: `"${v}" is not a month (YYYY-MM)` };
      return { value: s };
    }
    case 'text[]': {
      if (Array.isArray(v)) return { value: v.map(String) };
      const s = String(v).trim();
      if (s.startsWith('[')) {
        try {
          const a = JSON.parse(s);
          if (Array.isArray(a)) return { value: a.map(String) };
        } catch {
          /* fall through */
        }
      }
      return {
        value: s
          .split(/[;,]/)
          .map((x) => x.trim())
          .filter(Boolean),
      };
    }
    case 'json': {
      if (typeof v === 'object') return { value: v };
      try {
        return { value: JSON.parse(String(v)) };
      } catch {
        return { error: 'is not valid JSON' };
      }
    }
  }
}

/**
 * Typed column values and the problems of one record: types, ranges, enums, required properties.
 * `label` names a property the way the file does (e.g. `설치장소명` for `name`).
 */
export function validateValues(
  def: CollectionDef,
  values: Record<string, unknown>,
  label: (prop: string) => string = (p) => p,
): { values: Record<string, unknown>; errors: FieldError[] } {
  const out: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const p of allProperties(def)) {
    if (p.readOnly) continue;
    const r = coerce(p, values[p.name]);
    if (r.error) errors.push({ field: label(p.name), message: r.error });
    else if (r.value !== undefined) out[p.name] = r.value;
    else if (p.required) errors.push({ field: label(p.name), message: 'is required and empty' });
  }
  return { values: out, errors };
}

/**
 * Problems of a WGS84 geometry for a collection: a type the column cannot hold, non-finite coordinates,
 * or a position outside the city (with the likely cause, e.g. the 5181/5186 mix-up, from `native`).
 */
export function validateGeometry(
  def: CollectionDef,
  geometry: Geometry | null,
  native: Geometry | null,
  srid: number,
): FieldError[] {
  if (!geometry) return [{ field: 'geometry', message: 'has no geometry' }];
  if (!def.geometryTypes.includes(geometry.type)) {
    return [{ field: 'geometry', message: `is a ${geometry.type}; ${def.id} holds ${def.geometryTypes.join(' or ')}` }];
  }
  let count = 0;
  let outside = 0;
  for (const p of positions(geometry)) {
    count++;
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1]))
      return [{ field: 'geometry', message: 'has a coordinate that is not a number' }];
    if (!inCity(p)) outside++;
  }
  if (count === 0) return [{ field: 'geometry', message: 'is empty' }];
  if (outside > 0 && !def.allowOutsideCity) {
    const cause = native ? likelyCause(native, srid) : undefined;
    const first = positions(geometry).next().value as number[];
    return [
      {
        field: 'geometry',
        message: `lies outside Gimpo (first point ${first[0]?.toFixed(5)}, ${first[1]?.toFixed(5)} in EPSG:${srid} → WGS84)${cause ? `: ${cause}` : ''}`,
      },
    ];
  }
  return [];
}
