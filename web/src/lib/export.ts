// Client-side export of features as GeoJSON and CSV (UTF-8 with BOM, so spreadsheet programs read Hangul).
import type { Feature, FeatureCollection, Geometry } from 'geojson';

/** A feature to export, tagged with its collection. */
export type ExportFeature = Feature<Geometry, Record<string, unknown>>;

/** A FeatureCollection of the given features, as pretty JSON text. */
export function toGeoJson(features: ExportFeature[]): string {
  const fc: FeatureCollection = { type: 'FeatureCollection', features };
  return JSON.stringify(fc, null, 1);
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // Cells starting with = + - @ are formulas in spreadsheets: neutralise them.
  if (/^[=+\-@\t\r]/.test(s) && typeof value !== 'number') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A representative lon/lat of a geometry (the point itself, else the first vertex). */
export function anchor(g: Geometry | null): [number, number] | null {
  if (!g) return null;
  switch (g.type) {
    case 'Point':
      return g.coordinates as [number, number];
    case 'MultiPoint':
    case 'LineString':
      return g.coordinates[0] as [number, number];
    case 'MultiLineString':
    case 'Polygon':
      return g.coordinates[0]?.[0] as [number, number];
    case 'MultiPolygon':
      return g.coordinates[0]?.[0]?.[0] as [number, number];
    default:
      return null;
  }
}

/** CSV text with a BOM: id, geometry type, lon, lat (points; first vertex otherwise), then every property. */
export function toCsv(features: ExportFeature[]): string {
  const keys: string[] = [];
  for (const f of features) for (const k of Object.keys(f.properties ?? {})) if (!keys.includes(k)) keys.push(k);
  const rows = [['id', 'geometry_type', 'lon', 'lat', ...keys].map(cell).join(',')];
  for (const f of features) {
    const a = anchor(f.geometry);
    rows.push([f.id, f.geometry?.type, a?.[0], a?.[1], ...keys.map((k) => f.properties?.[k])].map(cell).join(','));
  }
  return `\uFEFF${rows.join('\r\n')}\r\n`;
}

/** Offers text as a file download. */
export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
