/**
 * Writes an ESRI Shapefile (.shp, .shx, .dbf, .prj, .cpg) zipped, from GeoJSON features already in the
 * target coordinate system. DBF text is encoded as asked (CP949 or UTF-8) and declared in a .cpg and the
 * header's language-driver byte. One geometry kind per file: points, polylines or polygons.
 */

import { zipSync } from 'fflate';
import type { Feature, Geometry, Position } from 'geojson';
import { encode } from '../import/encoding.js';
import type { TextEncoding } from '../import/types.js';

/** One DBF column. */
export interface DbfField {
  name: string;
  type: 'C' | 'N' | 'L' | 'D';
  length: number;
  decimals: number;
}

type Kind = 1 | 3 | 5; // point, polyline, polygon

function kindOf(g: Geometry | null): Kind | 0 {
  if (!g) return 0;
  if (g.type === 'Point') return 1;
  if (g.type === 'LineString' || g.type === 'MultiLineString') return 3;
  if (g.type === 'Polygon' || g.type === 'MultiPolygon') return 5;
  throw new Error(`cannot write a ${g.type} to a shapefile`);
}

const signedArea = (ring: Position[]) => {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const p = ring[i] as number[];
    const q = ring[j] as number[];
    a += ((q[0] as number) - (p[0] as number)) * ((q[1] as number) + (p[1] as number));
  }
  return a / 2; // > 0 clockwise
};

function parts(g: Geometry): Position[][] {
  switch (g.type) {
    case 'LineString':
      return [g.coordinates];
    case 'MultiLineString':
      return g.coordinates;
    case 'Polygon':
    case 'MultiPolygon': {
      const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
      // shapefile rings: outer clockwise, holes counter-clockwise
      return polys.flatMap((poly) =>
        poly.map((ring, i) => {
          const cw = signedArea(ring) > 0;
          return (i === 0) === cw ? ring : [...ring].reverse();
        }),
      );
    }
    default:
      return [];
  }
}

function bbox(points: Position[]): [number, number, number, number] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of points) {
    const x = p[0] as number;
    const y = p[1] as number;
    if (x < x0) x0 = x;
    if (y < y0) y0 = y;
    if (x > x1) x1 = x;
    if (y > y1) y1 = y;
  }
  return Number.isFinite(x0) ? [x0, y0, x1, y1] : [0, 0, 0, 0];
}

function shapeRecord(g: Geometry | null, kind: Kind): Uint8Array {
  if (!g) {
    const b = new DataView(new ArrayBuffer(4));
    b.setInt32(0, 0, true);
    return new Uint8Array(b.buffer);
  }
  if (kind === 1) {
    const b = new DataView(new ArrayBuffer(20));
    const c = (g as { coordinates: number[] }).coordinates;
    b.setInt32(0, 1, true);
    b.setFloat64(4, c[0] as number, true);
    b.setFloat64(12, c[1] as number, true);
    return new Uint8Array(b.buffer);
  }
  const ps = parts(g);
  const points = ps.flat();
  const b = new DataView(new ArrayBuffer(44 + 4 * ps.length + 16 * points.length));
  b.setInt32(0, kind, true);
  for (const [i, v] of bbox(points).entries()) b.setFloat64(4 + 8 * i, v, true);
  b.setInt32(36, ps.length, true);
  b.setInt32(40, points.length, true);
  let start = 0;
  ps.forEach((p, i) => {
    b.setInt32(44 + 4 * i, start, true);
    start += p.length;
  });
  let o = 44 + 4 * ps.length;
  for (const p of points) {
    b.setFloat64(o, p[0] as number, true);
    b.setFloat64(o + 8, p[1] as number, true);
    o += 16;
  }
  return new Uint8Array(b.buffer);
}

function header(kind: Kind, fileBytes: number, box: [number, number, number, number]): DataView {
  const h = new DataView(new ArrayBuffer(100));
  h.setInt32(0, 9994, false);
  h.setInt32(24, fileBytes / 2, false);
  h.setInt32(28, 1000, true);
  h.setInt32(32, kind, true);
  for (const [i, v] of box.entries()) h.setFloat64(36 + 8 * i, v, true);
  return h;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** The .shp and .shx of the features' geometries. */
export function writeShp(geometries: (Geometry | null)[]): { shp: Uint8Array; shx: Uint8Array; kind: Kind } {
  const kinds = new Set(geometries.map(kindOf).filter((k) => k !== 0));
  if (kinds.size > 1) throw new Error('a shapefile holds one geometry kind');
  const kind = ([...kinds][0] ?? 1) as Kind;
  const all: Position[] = [];
  for (const g of geometries) if (g) all.push(...(g.type === 'Point' ? [g.coordinates] : parts(g).flat()));
  const box = bbox(all);
  const records: Uint8Array[] = [];
  const index = new DataView(new ArrayBuffer(8 * geometries.length));
  let offset = 100;
  geometries.forEach((g, i) => {
    const content = shapeRecord(g, kind);
    const rh = new DataView(new ArrayBuffer(8));
    rh.setInt32(0, i + 1, false);
    rh.setInt32(4, content.length / 2, false);
    records.push(new Uint8Array(rh.buffer), content);
    index.setInt32(8 * i, offset / 2, false);
    index.setInt32(8 * i + 4, content.length / 2, false);
    offset += 8 + content.length;
  });
  const shp = concat([new Uint8Array(header(kind, offset, box).buffer), ...records]);
  const shx = concat([
    new Uint8Array(header(kind, 100 + 8 * geometries.length, box).buffer),
    new Uint8Array(index.buffer),
  ]);
  return { shp, shx, kind };
}

function cell(field: DbfField, v: unknown, encoding: TextEncoding): Uint8Array {
  const out = new Uint8Array(field.length).fill(0x20);
  if (v === undefined || v === null || v === '') return out;
  let bytes: Uint8Array;
  if (field.type === 'L') bytes = Buffer.from(v ? 'T' : 'F');
  else if (field.type === 'D') bytes = Buffer.from(String(v).replace(/-/g, '').slice(0, 8));
  else if (field.type === 'N') {
    const s = field.decimals ? Number(v).toFixed(field.decimals) : String(Math.round(Number(v)));
    bytes = Buffer.from(s.length > field.length ? s.slice(0, field.length) : s.padStart(field.length, ' '));
  } else {
    bytes = encode(String(v), encoding);
    if (bytes.length > field.length) bytes = truncateText(String(v), field.length, encoding);
  }
  out.set(bytes.subarray(0, field.length), 0);
  return out;
}

function truncateText(s: string, max: number, encoding: TextEncoding): Uint8Array {
  let t = s;
  let b = encode(t, encoding);
  while (b.length > max && t.length) {
    t = t.slice(0, -1);
    b = encode(t, encoding);
  }
  return b;
}

/** A DBF text cap: the longest a C column can be. */
export const DBF_MAX_TEXT_BYTES = 254;

/** A text value longer than a DBF column can hold: it is cut to `DBF_MAX_TEXT_BYTES` in the file. */
export interface OverlongText {
  field: string;
  /** Index of the record in `rows`. */
  index: number;
  /** Its length in bytes in the file's encoding. */
  bytes: number;
}

/**
 * Chooses DBF columns for the records' values: numbers → N, booleans → L, dates → D, the rest → C (at most
 * 254 bytes; every longer value is listed in `overlong` when given, since the file will hold it cut).
 */
export function inferFields(
  names: string[],
  rows: Record<string, unknown>[],
  encoding: TextEncoding,
  dates: Set<string>,
  overlong?: OverlongText[],
): DbfField[] {
  return names.map((name) => {
    const vals = rows.map((r) => r[name]).filter((v) => v !== undefined && v !== null && v !== '');
    if (dates.has(name) && vals.every((v) => /^\d{4}-\d{2}-\d{2}$/.test(String(v))))
      return { name, type: 'D', length: 8, decimals: 0 };
    if (vals.length && vals.every((v) => typeof v === 'boolean')) return { name, type: 'L', length: 1, decimals: 0 };
    if (vals.length && vals.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      const ints = vals.every((v) => Number.isInteger(v));
      const decimals = ints ? 0 : Math.min(8, Math.max(...vals.map((v) => (String(v).split('.')[1] ?? '').length)));
      const width = Math.max(...vals.map((v) => (v as number).toFixed(decimals).length));
      return { name, type: 'N', length: Math.min(19, Math.max(width, 1)), decimals };
    }
    let len = 1;
    rows.forEach((r, index) => {
      const v = r[name];
      if (v === undefined || v === null || v === '') return;
      const bytes = encode(typeof v === 'string' ? v : JSON.stringify(v), encoding).length;
      if (bytes > len) len = bytes;
      if (bytes > DBF_MAX_TEXT_BYTES) overlong?.push({ field: name, index, bytes });
    });
    return { name, type: 'C', length: Math.min(DBF_MAX_TEXT_BYTES, len), decimals: 0 };
  });
}

/** The .dbf of the rows under the given columns. */
export function writeDbf(fields: DbfField[], rows: Record<string, unknown>[], encoding: TextEncoding): Uint8Array {
  const headerLength = 32 + 32 * fields.length + 1;
  const recordLength = 1 + fields.reduce((n, f) => n + f.length, 0);
  const out = new Uint8Array(headerLength + recordLength * rows.length + 1);
  const h = new DataView(out.buffer);
  const now = new Date();
  out[0] = 0x03;
  out[1] = now.getFullYear() - 1900;
  out[2] = now.getMonth() + 1;
  out[3] = now.getDate();
  h.setUint32(4, rows.length, true);
  h.setUint16(8, headerLength, true);
  h.setUint16(10, recordLength, true);
  out[29] = encoding === 'cp949' ? 0x79 : 0x00; // language driver: Korean (949)
  fields.forEach((f, i) => {
    const o = 32 + 32 * i;
    out.set(encode(f.name, encoding).subarray(0, 10), o);
    out[o + 11] = f.type.charCodeAt(0);
    out[o + 16] = f.length;
    out[o + 17] = f.decimals;
  });
  out[headerLength - 1] = 0x0d;
  rows.forEach((r, i) => {
    let o = headerLength + recordLength * i;
    out[o++] = 0x20;
    for (const f of fields) {
      const v = r[f.name];
      out.set(cell(f, f.type === 'C' && v !== null && typeof v === 'object' ? JSON.stringify(v) : v, encoding), o);
      o += f.length;
    }
  });
  out[out.length - 1] = 0x1a;
  return out;
}

/** A zipped shapefile layer `<layer>.shp/.shx/.dbf/.prj/.cpg` of features in one coordinate system. */
export function shapefileZip(
  layer: string,
  features: Feature[],
  fields: DbfField[],
  rows: Record<string, unknown>[],
  encoding: TextEncoding,
  prj: string,
): Uint8Array {
  const { shp, shx } = writeShp(features.map((f) => f.geometry));
  const dbf = writeDbf(fields, rows, encoding);
  return zipSync({
    [`${layer}.shp`]: shp,
    [`${layer}.shx`]: shx,
    [`${layer}.dbf`]: dbf,
    [`${layer}.prj`]: Buffer.from(prj),
    [`${layer}.cpg`]: Buffer.from(encoding === 'cp949' ? 'CP949' : 'UTF-8'),
  });
}
