/**
 * Coordinate systems Korean GIS files arrive in, recognised from a `.prj` (OGC or ESRI WKT) and turned
 * into WGS84 with proj4. Korea 2000 (GRS80) is taken as WGS84-equivalent; the Bessel-based Korean 1985
 * systems (5174, 2097) carry the towgs84 shift of the national 7-parameter transformation.
 */
import type { Geometry, Position } from 'geojson';
import proj4 from 'proj4';
import { CITY_BBOX } from '../collections.js';

const BESSEL_TOWGS84 = '+towgs84=-115.80,474.99,674.11,1.16,-2.31,-1.63,6.43';

interface CrsDef {
  srid: number;
  name: string;
  proj4: string;
  /** Transverse Mercator parameters, for matching a .prj without an EPSG code. */
  tm?: { lat0: number; lon0: number; k: number; x0: number; y0: number; bessel: boolean };
}

const tm = (lat0: number, lon0: number, k: number, x0: number, y0: number, bessel: boolean) => ({
  lat0,
  lon0,
  k,
  x0,
  y0,
  bessel,
});
const tmDef = (p: NonNullable<CrsDef['tm']>) =>
  `+proj=tmerc +lat_0=${p.lat0} +lon_0=${p.lon0} +k=${p.k} +x_0=${p.x0} +y_0=${p.y0} ${
    p.bessel ? `+ellps=bessel ${BESSEL_TOWGS84}` : '+ellps=GRS80 +towgs84=0,0,0,0,0,0,0'
  } +units=m +no_defs`;

const TM_SYSTEMS: [number, string, NonNullable<CrsDef['tm']>][] = [
  [5186, 'Korea 2000 / Central Belt 2010', tm(38, 127, 1, 200000, 600000, false)],
  [5185, 'Korea 2000 / West Belt 2010', tm(38, 125, 1, 200000, 600000, false)],
  [5187, 'Korea 2000 / East Belt 2010', tm(38, 129, 1, 200000, 600000, false)],
  [5188, 'Korea 2000 / East Sea Belt 2010', tm(38, 131, 1, 200000, 600000, false)],
  [5181, 'Korea 2000 / Central Belt', tm(38, 127, 1, 200000, 500000, false)],
  [5179, 'Korea 2000 / Unified CS (UTM-K)', tm(38, 127.5, 0.9996, 1000000, 2000000, false)],
  [5174, 'Korean 1985 / Modified Central Belt', tm(38, 127.0028902777778, 1, 200000, 500000, true)],
  [2097, 'Korean 1985 / Central Belt', tm(38, 127, 1, 200000, 500000, true)],
];

/** The coordinate systems the importer and exporter know, by EPSG code. */
export const CRS: ReadonlyMap<number, CrsDef> = new Map<number, CrsDef>([
  [4326, { srid: 4326, name: 'WGS 84', proj4: '+proj=longlat +datum=WGS84 +no_defs' }],
  ...TM_SYSTEMS.map(([srid, name, p]) => [srid, { srid, name, proj4: tmDef(p), tm: p }] as [number, CrsDef]),
]);

/** Whether the importer can reproject from this EPSG code. */
export function isKnownSrid(srid: number): boolean {
  return CRS.has(srid);
}

function num(wkt: string, names: string[]): number | undefined {
  for (const n of names) {
    const m = new RegExp(`PARAMETER\\[\\s*"${n}"\\s*,\\s*(-?[0-9.eE+-]+)`, 'i').exec(wkt);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/**
 * The EPSG code a `.prj` describes: its own AUTHORITY/ID when it names one, else the Transverse
 * Mercator parameters and ellipsoid matched against the Korean systems; undefined when unknown.
 */
export function sridFromPrj(wkt: string): number | undefined {
  const text = wkt.trim();
  if (!text) return undefined;
  const isProjected = /^\s*(PROJCS|PROJCRS)\[/i.test(text);
  // a top-level authority is the last one in OGC WKT1 (AUTHORITY) and WKT2 (ID)
  const auth = [...text.matchAll(/(?:AUTHORITY|ID)\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]/gi)].map((m) => Number(m[1]));
  const last = auth.at(-1);
  if (last !== undefined && CRS.has(last) && (isProjected ? last !== 4326 : last === 4326)) return last;
  if (!isProjected) {
    return /GEOGCS|GEOGCRS|BASEGEOGCRS/i.test(text) && /WGS|GRS|Korea_2000|Korea 2000/i.test(text) ? 4326 : undefined;
  }
  if (!/Transverse_Mercator|Transverse Mercator/i.test(text)) return undefined;
  const p = {
    lat0: num(text, ['Latitude_Of_Origin', 'latitude_of_origin', 'Latitude of natural origin']) ?? 0,
    lon0: num(text, ['Central_Meridian', 'Longitude of natural origin']) ?? 0,
    k: num(text, ['Scale_Factor', 'Scale factor at natural origin']) ?? 1,
    x0: num(text, ['False_Easting', 'False easting']) ?? 0,
    y0: num(text, ['False_Northing', 'False northing']) ?? 0,
    bessel: /bessel/i.test(text),
  };
  for (const [srid, , q] of TM_SYSTEMS) {
    if (
      Math.abs(p.lat0 - q.lat0) < 1e-6 &&
      Math.abs(p.lon0 - q.lon0) < 1e-6 &&
      Math.abs(p.k - q.k) < 1e-9 &&
      Math.abs(p.x0 - q.x0) < 0.01 &&
      Math.abs(p.y0 - q.y0) < 0.01 &&
      p.bessel === q.bessel
    ) {
      return srid;
    }
  }
  return undefined;
}

/** The ESRI-style WKT of a known EPSG code, as written into an exported `.prj`. */
export function prjFor(srid: number): string {
  if (srid === 4326) {
    return 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';
  }
  const def = CRS.get(srid);
  if (!def?.tm) throw new Error(`no .prj known for EPSG:${srid}`);
  const p = def.tm;
  const geog = p.bessel
    ? 'GEOGCS["GCS_Korean_Datum_1985",DATUM["D_Korean_Datum_1985",SPHEROID["Bessel_1841",6377397.155,299.1528128]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
    : 'GEOGCS["GCS_Korea_2000",DATUM["D_Korea_2000",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';
  const name = def.name.replace(/[^A-Za-z0-9]+/g, '_').replace(/_+$/, '');
  return `PROJCS["${name}",${geog},PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",${p.x0.toFixed(1)}],PARAMETER["False_Northing",${p.y0.toFixed(1)}],PARAMETER["Central_Meridian",${p.lon0}],PARAMETER["Scale_Factor",${p.k}],PARAMETER["Latitude_Of_Origin",${p.lat0.toFixed(1)}],UNIT["Meter",1.0]]`;
}

/** A function taking one [x, y] position between two known EPSG codes. */
export type PositionTransform = (p: Position) => Position;

/** The transformation between two known EPSG codes (identity when equal). */
export function transformer(from: number, to: number): PositionTransform {
  if (from === to) return (p) => p;
  const a = CRS.get(from);
  const b = CRS.get(to);
  if (!a || !b) throw new Error(`unknown coordinate system EPSG:${a ? to : from}`);
  const conv = proj4(a.proj4, b.proj4);
  return (p) => {
    const [x, y] = conv.forward([p[0] as number, p[1] as number]);
    return [x as number, y as number];
  };
}

/** A geometry with every position passed through `fn` (a new object). */
export function mapGeometry<G extends Geometry>(g: G, fn: PositionTransform): G {
  const ring = (r: Position[]) => r.map(fn);
  switch (g.type) {
    case 'Point':
      return { ...g, coordinates: fn(g.coordinates) };
    case 'MultiPoint':
    case 'LineString':
      return { ...g, coordinates: ring(g.coordinates) };
    case 'MultiLineString':
    case 'Polygon':
      return { ...g, coordinates: g.coordinates.map(ring) };
    case 'MultiPolygon':
      return { ...g, coordinates: g.coordinates.map((poly) => poly.map(ring)) };
    case 'GeometryCollection':
      return { ...g, geometries: g.geometries.map((x) => mapGeometry(x, fn)) };
  }
}

/** Every position of a geometry. */
export function* positions(g: Geometry): Generator<Position> {
  switch (g.type) {
    case 'Point':
      yield g.coordinates;
      break;
    case 'MultiPoint':
    case 'LineString':
      yield* g.coordinates;
      break;
    case 'MultiLineString':
    case 'Polygon':
      for (const r of g.coordinates) yield* r;
      break;
    case 'MultiPolygon':
      for (const poly of g.coordinates) for (const r of poly) yield* r;
      break;
    case 'GeometryCollection':
      for (const x of g.geometries) yield* positions(x);
  }
}

/** Whether a lon/lat position lies in the city's extent (with its margin). */
export function inCity(p: Position): boolean {
  const [w, s, e, n] = CITY_BBOX;
  const [x, y] = p as [number, number];
  return x >= w && x <= e && y >= s && y <= n;
}

/**
 * Why a geometry given in `srid` probably landed outside the city: the 5181/5186 false-northing mix-up
 * (100 km), a projected file read as lon/lat, or a different coordinate system; undefined if no guess.
 */
export function likelyCause(native: Geometry, srid: number): string | undefined {
  const first = positions(native).next().value as Position | undefined;
  if (!first) return undefined;
  const landsIn = (other: number) => inCity(transformer(other, 4326)(first));
  const mixups: [number, number, string][] = [
    [
      5186,
      5181,
      'lands about 100 km south of Gimpo: the coordinates look like EPSG:5181 (Korea 2000 Central Belt, false northing 500 000 m, e.g. Kakao) read as EPSG:5186 (false northing 600 000 m), or legacy Bessel EPSG:5174; check the .prj or pass --srid 5181',
    ],
    [
      5181,
      5186,
      'lands about 100 km north of Gimpo: the coordinates look like EPSG:5186 (Central Belt 2010, false northing 600 000 m) read as EPSG:5181 (false northing 500 000 m); check the .prj or pass --srid 5186',
    ],
    [5174, 5186, 'does not fit EPSG:5174 (Bessel, false northing 500 000 m) but fits EPSG:5186; pass --srid 5186'],
    [
      5186,
      5174,
      'lands about 100 km south of Gimpo: the coordinates look like the legacy Bessel EPSG:5174 (false northing 500 000 m) read as EPSG:5186; pass --srid 5174',
    ],
  ];
  for (const [given, other, message] of mixups) if (given === srid && landsIn(other)) return message;
  for (const other of [5186, 5179, 5181, 5174, 4326]) {
    if (other !== srid && landsIn(other))
      return `the coordinates fit EPSG:${other}, not EPSG:${srid}; check the .prj or pass --srid ${other}`;
  }
  return undefined;
}
