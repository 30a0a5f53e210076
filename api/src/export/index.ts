/**
 * Exports a collection (or a filtered selection, with the filters of items) as GeoJSON, CSV (the Wi-Fi
 * standard current columns for wifi) or a zipped Shapefile, in EPSG:4326 or 5186, CP949 or UTF-8 —
 * shaped so that the importer reads it back unchanged.
 */

import { stringify } from 'csv-stringify/sync';
import type { Feature } from 'geojson';
import type { Kysely } from 'kysely';
import { allProperties, type CollectionDef } from '../collections.js';
import { type ItemsQuery, listFeatures, type StoredFeatureWithText } from '../db/queries/features.js';
import type { Database } from '../db/schema.js';
import { mapGeometry, prjFor, transformer } from '../import/crs.js';
import { encode } from '../import/encoding.js';
import { layerNameFor } from '../import/layers.js';
import type { TextEncoding } from '../import/types.js';
import { WIFI_CURRENT_COLUMNS, wifiStandardRow } from '../import/wifi-standard.js';
import { inferFields, shapefileZip } from './shp-writer.js';

/** Export formats. */
export const EXPORT_FORMATS = ['geojson', 'csv', 'shp'] as const;
/** Coordinate systems an export can be written in. */
export const EXPORT_SRIDS = [4326, 5186] as const;

/** What to export and how. */
export interface ExportOptions {
  format: (typeof EXPORT_FORMATS)[number];
  srid?: (typeof EXPORT_SRIDS)[number];
  /** Text encoding of CSV and DBF (default: UTF-8 with BOM for CSV, CP949 for shapefiles). */
  encoding?: TextEncoding;
  /** The items filters: bbox, datetime, property equality. */
  query?: Omit<ItemsQuery, 'limit' | 'offset'>;
}

/** An export ready to send or write: bytes, media type and a file name. */
export interface ExportFile {
  body: Uint8Array;
  contentType: string;
  fileName: string;
  count: number;
}

const PAGE = 1000;

/** Every matching feature, page by page (ordered by id). */
async function* features(
  db: Kysely<Database>,
  def: CollectionDef,
  q: ExportOptions['query'],
): AsyncGenerator<StoredFeatureWithText[]> {
  for (let offset = 0; ; offset += PAGE) {
    const page = await listFeatures(db, def, { ...(q ?? {}), limit: PAGE, offset }, true);
    if (page.features.length) yield page.features;
    if (page.features.length < PAGE) return;
  }
}

/** Property names written to files: the collection's own and provenance ones (not the internal key). */
function exportedProps(def: CollectionDef): string[] {
  return allProperties(def)
    .filter((p) => p.name !== 'key' && !p.readOnly)
    .map((p) => p.name);
}

/** Writes the export of one collection. */
export async function exportCollection(
  db: Kysely<Database>,
  def: CollectionDef,
  o: ExportOptions,
): Promise<ExportFile> {
  const srid = o.srid ?? 4326;
  const toTarget = transformer(4326, srid);
  const all: Feature[] = [];
  for await (const page of features(db, def, o.query)) {
    for (const f of page) {
      const feat = JSON.parse(f.json) as Feature;
      if (srid !== 4326 && feat.geometry) feat.geometry = mapGeometry(feat.geometry, toTarget);
      all.push(feat);
    }
  }
  const props = exportedProps(def);
  const suffix = srid === 4326 ? '' : `_${srid}`;
  if (o.format === 'geojson') {
    const fc = {
      type: 'FeatureCollection',
      ...(srid !== 4326 ? { crs: { type: 'name', properties: { name: `urn:ogc:def:crs:EPSG::${srid}` } } } : {}),
      features: all.map((f) => ({
        type: 'Feature',
        id: f.id,
        geometry: f.geometry,
        properties: pick(f.properties ?? {}, props),
      })),
    };
    return {
      body: Buffer.from(JSON.stringify(fc)),
      contentType: 'application/geo+json',
      fileName: `${def.id}${suffix}.geojson`,
      count: all.length,
    };
  }
  const encoding = o.encoding ?? (o.format === 'csv' ? 'utf-8' : 'cp949');
  if (o.format === 'csv') {
    let rows: string[][];
    if (def.id === 'wifi') {
      rows = [
        [...WIFI_CURRENT_COLUMNS],
        ...all.map((f) => {
          const [lon, lat] = (f.geometry as { coordinates: number[] }).coordinates as [number, number];
          return wifiStandardRow(f.properties ?? {}, lon, lat);
        }),
      ];
    } else {
      rows = [
        [...props, 'geometry'],
        ...all.map((f) => [...props.map((p) => csvCell(f.properties?.[p])), JSON.stringify(f.geometry)]),
      ];
    }
    const text = stringify(rows);
    const body =
      encoding === 'utf-8'
        ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])
        : encode(text, 'cp949');
    return {
      body,
      contentType: `text/csv; charset=${encoding === 'utf-8' ? 'utf-8' : 'cp949'}`,
      fileName: `${def.id}.csv`,
      count: all.length,
    };
  }
  // shapefile: DBF names are at most 10 characters; update-lines' original attributes become their own columns
  const facilities = new Set(all.map((f) => String(f.properties?.facility)));
  const layer =
    (def.id === 'update-lines' && facilities.size === 1 ? layerNameFor([...facilities][0]) : undefined) ??
    def.id.replace(/-/g, '_');
  const attrNames = new Set<string>();
  const rows = all.map((f) => {
    const p = f.properties ?? {};
    const row: Record<string, unknown> = {};
    for (const name of props) if (name !== 'attrs') row[name.slice(0, 10)] = p[name];
    if (def.id === 'update-lines' && p.attrs && typeof p.attrs === 'object') {
      for (const [k, v] of Object.entries(p.attrs as Record<string, unknown>)) {
        if (props.includes(k.toLowerCase())) continue;
        attrNames.add(k.slice(0, 10));
        row[k.slice(0, 10)] = v;
      }
    }
    return row;
  });
  const names = [...props.filter((n) => n !== 'attrs').map((n) => n.slice(0, 10)), ...attrNames];
  const dates = new Set(
    allProperties(def)
      .filter((p) => p.type === 'date')
      .map((p) => p.name.slice(0, 10)),
  );
  const fields = inferFields(names, rows, encoding, dates);
  const body = shapefileZip(layer, all, fields, rows, encoding, prjFor(srid));
  return { body, contentType: 'application/zip', fileName: `${layer}${suffix}.zip`, count: all.length };
}

function pick(p: Record<string, unknown>, names: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of names) if (p[n] !== undefined) out[n] = p[n];
  return out;
}

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
