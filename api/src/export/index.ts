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
import { ApiError } from '../errors.js';
import { mapGeometry, prjFor, transformer } from '../import/crs.js';
import { decode, encode } from '../import/encoding.js';
import { layerNameFor } from '../import/layers.js';
import type { TextEncoding } from '../import/types.js';
import { WIFI_CURRENT_COLUMNS, WIFI_EXTRA_COLUMNS, wifiStandardRow } from '../import/wifi-standard.js';
import { DBF_MAX_TEXT_BYTES, inferFields, type OverlongText, shapefileZip } from './shp-writer.js';

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
  /** Text encoding of a CSV or DBF (may differ from the default: see `exportCollection`). */
  encoding?: TextEncoding;
  /** What the file does not hold exactly (text cut to the DBF limit, an encoding fallback), for a person. */
  warnings: string[];
}

/** The first character of `text` that CP949 cannot hold, or undefined when all of it can be written. */
export function unencodableInCp949(text: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII is always encodable
  if (/^[\x00-\x7f]*$/.test(text)) return undefined;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) continue;
    if (decode(encode(ch, 'cp949'), 'cp949') !== ch) return ch;
  }
  return undefined;
}

const codePoint = (ch: string) => `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** One value CP949 cannot hold: where it is and which character. */
interface Unencodable {
  field: string;
  /** Row of the file a person would look for (CSV line with the header as 1, DBF record from 1). */
  row: number;
  id: unknown;
  ch: string;
}

/** Every value of `cells` (field → value, per row) CP949 cannot hold. */
function findUnencodable(rows: { row: number; id: unknown; cells: [string, unknown][] }[]): Unencodable[] {
  const out: Unencodable[] = [];
  for (const r of rows) {
    for (const [field, v] of r.cells) {
      if (v === undefined || v === null || typeof v === 'number' || typeof v === 'boolean') continue;
      const ch = unencodableInCp949(typeof v === 'string' ? v : JSON.stringify(v));
      if (ch) out.push({ field, row: r.row, id: r.id, ch });
    }
  }
  return out;
}

const describeBad = (u: Unencodable) =>
  `${u.field} of feature ${String(u.id)} (row ${u.row}) contains "${u.ch}" (${codePoint(u.ch)})`;

/** The 400 for an explicit CP949 export that would lose characters: each value named by field and row. */
function cp949Refusal(bad: Unencodable[]): ApiError {
  const shown = bad.slice(0, 100);
  return ApiError.badRequest(
    `CP949 cannot hold ${bad.length} value(s) of this export, e.g. ${describeBad(bad[0] as Unencodable)}; nothing was written rather than turn them into "?". Export with encoding=utf-8, or change those values`,
    shown.map((u) => ({
      field: u.field,
      row: u.row,
      message: `feature ${String(u.id)}: "${u.ch}" (${codePoint(u.ch)}) has no CP949 code`,
    })),
  );
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

/**
 * Writes the export of one collection. Nothing is lost silently: an explicit CP949 export that holds a
 * character CP949 has no code for (—, é, ₩ …) is refused with a 400 naming each field and row; a shapefile
 * whose encoding was not chosen (CP949 by default) is then written as UTF-8 — declared in its .cpg — with a
 * warning; text longer than a DBF column (254 bytes) is cut in a shapefile, with a warning naming it.
 */
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
      warnings: [],
    };
  }
  let encoding = o.encoding ?? (o.format === 'csv' ? 'utf-8' : 'cp949');
  const warnings: string[] = [];
  if (o.format === 'csv') {
    let rows: string[][];
    if (def.id === 'wifi') {
      rows = [
        [...WIFI_CURRENT_COLUMNS, ...WIFI_EXTRA_COLUMNS],
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
    if (encoding === 'cp949') {
      const header = rows[0] as string[];
      const bad = findUnencodable(
        rows.slice(1).map((r, i) => ({
          row: i + 2,
          id: all[i]?.id,
          cells: r.map((v, k) => [header[k] as string, v] as [string, unknown]),
        })),
      );
      if (bad.length) throw cp949Refusal(bad);
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
      encoding,
      warnings,
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
  if (encoding === 'cp949') {
    const bad = findUnencodable(
      rows.map((r, i) => ({ row: i + 1, id: all[i]?.id, cells: Object.entries(r) as [string, unknown][] })),
    );
    if (bad.length && o.encoding) throw cp949Refusal(bad);
    if (bad.length) {
      encoding = 'utf-8';
      warnings.push(
        `written as UTF-8 (the .cpg says so) instead of the default CP949, which cannot hold ${bad.length} value(s), e.g. ${describeBad(bad[0] as Unencodable)}; tools that ignore the .cpg may show Korean text garbled`,
      );
    }
  }
  const overlong: OverlongText[] = [];
  const fields = inferFields(names, rows, encoding, dates, overlong);
  if (overlong.length) {
    const first = overlong[0] as OverlongText;
    const fieldsCut = [...new Set(overlong.map((x) => x.field))];
    warnings.push(
      `a shapefile (DBF) text column holds at most ${DBF_MAX_TEXT_BYTES} bytes: ${overlong.length} value(s) were cut (${fieldsCut.join(', ')}), e.g. ${first.field} of feature ${String(all[first.index]?.id)} (row ${first.index + 1}, ${first.bytes} bytes); export as GeoJSON or CSV to keep them whole`,
    );
  }
  const body = shapefileZip(layer, all, fields, rows, encoding, prjFor(srid));
  return {
    body,
    contentType: 'application/zip',
    fileName: `${layer}${suffix}.zip`,
    count: all.length,
    encoding,
    warnings,
  };
}

/** A warning as an HTTP `Warning` header value (RFC 7234 code 299; non-ASCII written as \uXXXX). */
export function warningHeader(warnings: string[]): string {
  return warnings
    .map(
      (w) =>
        `299 gimpo-map "${w
          .replace(/["\\]/g, "'")
          .replace(/[^\x20-\x7e]/gu, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`)}"`,
    )
    .join(', ');
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
