/** Items as CSV: UTF-8 with a BOM (so Excel opens Korean), points as lon/lat, other geometry as WKT. */
import { stringify } from 'csv-stringify/sync';
import { allProperties, type CollectionDef } from '../collections.js';
import type { StoredFeatureWithText } from '../db/queries/features.js';

function cell(v: unknown): string | number {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) return v.join(';');
  if (typeof v === 'object') return JSON.stringify(v);
  return v as string | number;
}

/** The CSV text of a page of features; columns follow the collection's definition. */
export function featuresCsv(def: CollectionDef, features: StoredFeatureWithText[]): string {
  const props = allProperties(def)
    .filter((p) => p.name !== 'key')
    .map((p) => p.name);
  const geomCols = def.geometry === 'Point' ? ['lon', 'lat'] : ['wkt'];
  const columns = ['id', ...props, 'updated_at', ...geomCols];
  const rows = features.map((f) => {
    const parsed = JSON.parse(f.json) as { properties: Record<string, unknown> };
    const p = parsed.properties;
    const geom = def.geometry === 'Point' ? [f.lon ?? '', f.lat ?? ''] : [f.wkt];
    return [f.id, ...props.map((n) => cell(p[n])), cell(p.updated_at), ...geom];
  });
  return stringify(rows, { header: true, columns, bom: true, record_delimiter: 'windows' });
}
