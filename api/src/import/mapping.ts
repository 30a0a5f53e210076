/**
 * Turns a file's records into column values of the target collection: the Wi-Fi standard CSV by header
 * name, standard UIS / 도로명주소 layers by their attribute names (originals kept in `attrs` of
 * update-lines), and anything else (our own exports, GeoJSON) by property name, where DBF's 10-character
 * field names are matched to the longer property names they were cut from.
 */
import type { Geometry, Point } from 'geojson';
import { allProperties, type CollectionDef } from '../collections.js';
import { ApiError, type FieldError } from '../errors.js';
import { type LayerTarget, layerTarget } from './layers.js';
import type { ImportSource, SourceRecord } from './types.js';
import {
  isWifiStandardHeader,
  mapWifiRow,
  missingWifiColumns,
  WIFI_EXTRA_COLUMNS,
  wifiHeaderNames,
} from './wifi-standard.js';

/** A record mapped to (untyped) column values, its native geometry and its stable key. */
export interface RawMapped {
  values: Record<string, unknown>;
  /** Geometry in the file's coordinate system. */
  geometry: Geometry | null;
  key?: string;
  errors: FieldError[];
}

/** How one file's records become one collection's rows. */
export interface Mapper {
  /** Facility of update-lines given by the layer name. */
  facility?: string;
  target?: LayerTarget;
  /** Coordinate system the mapped geometries are in regardless of the file's (WGS84 columns of the Wi-Fi CSV). */
  fixedSrid?: number;
  /** The file's name for a property (for error messages). */
  label(prop: string): string;
  map(rec: SourceRecord): RawMapped;
}

const ALIASES: Record<string, Record<string, string[]>> = {
  'admin-areas': {
    code: ['EMD_CD', 'ADM_CD', 'ADM_DR_CD', 'ADM_SECT_C'],
    name_ko: ['EMD_KOR_NM', 'ADM_NM', 'ADM_DR_NM', 'EMD_NM'],
    name_en: ['EMD_ENG_NM'],
  },
  'update-lines': { name: ['RDS_NAM'] },
};

/** Fields never kept as original attributes: our own bookkeeping when re-importing an export. */
const SKIP_ATTRS = new Set(['id', 'updated_at', 'length_m', 'key', 'version', 'created_at', 'geometry']);

const present = (v: unknown) =>
  v !== undefined &&
  v !== null &&
  !(typeof v === 'string' && v.trim() === '') &&
  // a blank DBF date reads as 1899-11-30 (Date(0, -1, 0))
  !(v instanceof Date && (Number.isNaN(v.getTime()) || v.getFullYear() < 1900));

function keyFor(def: CollectionDef, values: Record<string, unknown>, geometry?: Geometry | null): string | undefined {
  if (def.id === 'wifi' && present(values.mgmt_no)) return `wifi-no-${String(values.mgmt_no).trim()}`;
  if (def.id === 'wifi' && present(values.name) && geometry?.type === 'Point') {
    // the older generation has no 관리번호: the same name at the same spot (about 10 cm) is the same site
    const [x, y] = geometry.coordinates as [number, number];
    return `wifi-at-${String(values.name).trim()}@${y.toFixed(6)},${x.toFixed(6)}`;
  }
  if (def.id === 'admin-areas' && present(values.code)) return `admin-${String(values.code).trim()}`;
  if (def.id === 'update-lines') {
    const a = (values.attrs ?? {}) as Record<string, unknown>;
    if (present(a.FTR_IDN))
      return `line-${values.facility}-${present(a.FTR_CDE) ? String(a.FTR_CDE).trim() : 'X'}-${String(a.FTR_IDN).trim()}`;
  }
  return undefined;
}

/** The natural identifier inside a key made by `keyFor` (관리번호, code, FTR_IDN), for messages. */
export function keyValue(key: string): string {
  return key.replace(/^(wifi-no-|wifi-at-|admin-|line-[a-z]+-[^-]+-)/, '');
}

/** The mapper for a file and a collection; refuses a standard layer aimed at the wrong collection. */
export function mapperFor(def: CollectionDef, source: ImportSource, fileName: string): Mapper {
  const target = layerTarget(source.layer);
  if (target && target.collection !== def.id) {
    throw ApiError.badRequest(
      `Layer ${source.layer} (${target.label}) belongs in ${target.collection}, not ${def.id}`,
      [{ field: 'collection', message: `${source.layer} maps to ${target.collection}` }],
    );
  }
  const defaultSource = `${fileName}${target ? ` (${source.layer} ${target.label})` : ''}`;

  if (def.id === 'wifi' && source.format === 'csv' && isWifiStandardHeader(source.fields)) {
    const headers = wifiHeaderNames(source.fields);
    return {
      fixedSrid: 4326,
      label: (p) => headers[p] ?? p,
      map(rec) {
        const r = mapWifiRow(rec.raw, headers);
        // the project's own columns an export appends after the standard ones (see WIFI_EXTRA_COLUMNS)
        for (const p of WIFI_EXTRA_COLUMNS) if (present(rec.raw[p])) r.values[p] = rec.raw[p];
        if (!present(r.values.source)) r.values.source = `${fileName} (전국무료와이파이표준데이터)`;
        return { values: r.values, geometry: r.geometry, key: keyFor(def, r.values, r.geometry), errors: r.errors };
      },
    };
  }
  if (def.id === 'wifi' && source.format === 'csv' && !source.fields.includes('lon')) {
    const missing = missingWifiColumns(source.fields);
    throw ApiError.badRequest(`The CSV is not the Wi-Fi standard data: it lacks the column(s) ${missing.join(', ')}`, [
      ...missing.map((m) => ({ field: m, message: 'column missing from the header' })),
    ]);
  }

  // generic: our own exports and GeoJSON, plus the standard layers' attribute names
  const props = allProperties(def).filter((p) => !p.readOnly);
  const aliases = ALIASES[def.id] ?? {};
  const fieldOf = new Map<string, string>(); // file field → property
  for (const f of source.fields) {
    const lower = f.toLowerCase();
    const p =
      props.find((x) => x.name === lower) ?? props.find((x) => x.name.length > 10 && x.name.slice(0, 10) === lower);
    if (p) fieldOf.set(f, p.name);
  }
  for (const [prop, names] of Object.entries(aliases)) {
    if ([...fieldOf.values()].includes(prop)) continue;
    const f = names.find((n) => source.fields.some((x) => x.toUpperCase() === n));
    if (f) fieldOf.set(source.fields.find((x) => x.toUpperCase() === f) as string, prop);
  }
  const labelOf = new Map([...fieldOf].map(([f, p]) => [p, f]));
  const keepAttrs = def.id === 'update-lines';
  return {
    target,
    facility: target?.facility,
    label: (p) => labelOf.get(p) ?? p,
    map(rec) {
      const values: Record<string, unknown> = {};
      const attrs: Record<string, unknown> = {};
      for (const [f, v] of Object.entries(rec.raw)) {
        const p = fieldOf.get(f);
        if (p) values[p] = v;
        else if (keepAttrs && !SKIP_ATTRS.has(f) && present(v)) attrs[f] = typeof v === 'string' ? v.trim() : v;
      }
      let geometry = rec.geometry;
      if (!geometry && source.format === 'csv') geometry = csvGeometry(rec.raw);
      if (def.id === 'update-lines') {
        if (!present(values.facility) && target?.facility) values.facility = target.facility;
        if (!present(values.attrs) && Object.keys(attrs).length) values.attrs = attrs;
        if (typeof values.attrs === 'string') {
          try {
            values.attrs = JSON.parse(values.attrs);
          } catch {
            /* validation names it */
          }
        }
        const a = (values.attrs ?? {}) as Record<string, unknown>;
        if (!present(values.name) && target && present(a.FTR_IDN)) values.name = `${target.label} ${a.FTR_IDN}`;
      }
      if (!present(values.source)) values.source = defaultSource;
      return { values, geometry, key: keyFor(def, values, geometry), errors: [] };
    },
  };
}

function csvGeometry(raw: Record<string, unknown>): Geometry | null {
  if (typeof raw.geometry === 'string' && raw.geometry.trim().startsWith('{')) {
    try {
      return JSON.parse(raw.geometry) as Geometry;
    } catch {
      return null;
    }
  }
  const lon = Number(raw.lon);
  const lat = Number(raw.lat);
  if (present(raw.lon) && present(raw.lat) && Number.isFinite(lon) && Number.isFinite(lat)) {
    return { type: 'Point', coordinates: [lon, lat] } satisfies Point;
  }
  return null;
}
