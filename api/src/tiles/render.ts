import { createHash } from 'node:crypto';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import { type RawBuilder, sql } from 'kysely';
import { type CollectionDef, type CollectionId, getCollection } from '../collections.js';
import type { Db } from '../db/client.js';
import type { CachedTile } from './cache.js';
import { MERC_HALF } from './grid.js';
import {
  BUFFER,
  EXTENT,
  POINT_CAP,
  POINT_CELL,
  POINT_COUNT,
  POINT_FULL_ZOOM,
  SHAPE_BUDGET,
  SHAPE_FULL_ZOOM,
  tileProperties,
} from './layer.js';

/** The two ways of encoding a tile: PostGIS `ST_AsMVT`, or SQL clipping plus `@maplibre/vt-pbf` in JS. */
export type EncoderName = 'postgres' | 'js';

/** An empty tile: zero bytes (MapLibre draws nothing, and caches it). */
const EMPTY = new Uint8Array(0);

/** Strong ETag of a tile body. */
export function tileEtag(body: Uint8Array): string {
  return `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
}

/**
 * Renders tile z/x/y of a collection with the given encoder (the tile coordinates must be valid), from a
 * read replica when there are any, or from the primary with `fromPrimary` (just after a write, when a replica
 * may not have it yet).
 */
export async function renderTile(
  db: Db,
  encoder: EncoderName,
  collection: CollectionId,
  z: number,
  x: number,
  y: number,
  options: { fromPrimary?: boolean } = {},
): Promise<CachedTile> {
  const def = getCollection(collection);
  if (!def) throw new Error(`unknown collection ${collection}`);
  const reader = options.fromPrimary ? db.kysely : db.reader();
  const body =
    encoder === 'postgres' ? await renderPostgres(reader, def, z, x, y) : await renderJs(reader, def, z, x, y);
  return { body, etag: tileEtag(body) };
}

type Reader = Db['kysely'];

/** Width of one tile unit at zoom z, in EPSG:3857 metres. */
function unitSize(z: number): number {
  return (2 * MERC_HALF) / 2 ** z / EXTENT;
}

/**
 * Property columns of the source query. ST_AsMVT writes a date with its text output (YYYY-MM-DD), so the JS
 * encoder casts dates to text to write the same; casting for ST_AsMVT too would only cost time.
 */
function propertyColumns(def: CollectionDef, datesAsText: boolean): RawBuilder<unknown>[] {
  return tileProperties(def).map((p) =>
    datesAsText && p.type === 'date'
      ? sql`${sql.ref(`t.${p.name}`)}::text as ${sql.ref(p.name)}`
      : sql`${sql.ref(`t.${p.name}`)}`,
  );
}

/** Names of the properties the source query returns, in order. */
function propertyNames(def: CollectionDef, z: number): string[] {
  const names = tileProperties(def).map((p) => p.name);
  if (def.geometry === 'Point' && z < POINT_FULL_ZOOM) names.push(POINT_COUNT);
  return names;
}

/** `ST_TileEnvelope` of the tile, optionally grown by the render buffer. */
function envelope(z: number, x: number, y: number, buffered: boolean): RawBuilder<unknown> {
  return buffered
    ? sql`ST_TileEnvelope(${z}::int, ${x}::int, ${y}::int, margin => ${BUFFER / EXTENT}::float8)`
    : sql`ST_TileEnvelope(${z}::int, ${x}::int, ${y}::int)`;
}

/**
 * The features of a tile before encoding, shared by both encoders so they agree: rows `id`, the display
 * properties, `g` (EPSG:3857 geometry, simplified to a tile unit at low zoom) and, for thinned points,
 * `point_count`. Points are thinned per grid cell below `POINT_FULL_ZOOM` and capped at `POINT_CAP` above;
 * lines and polygons are simplified and capped at `SHAPE_BUDGET` below `SHAPE_FULL_ZOOM`. Shapes under half a
 * tile unit both ways are left out where ST_AsMVTGeom would drop them anyway (always for the JS encoder).
 */
function sourceSql(def: CollectionDef, z: number, x: number, y: number, forJs: boolean): RawBuilder<unknown> {
  const table = sql.table(def.table);
  const props = propertyColumns(def, forJs);
  const cols = props.length ? sql`, ${sql.join(props)}` : sql``;
  const inTile = sql`t.geom_3857 && ${envelope(z, x, y, true)}`;
  if (def.geometry === 'Point') {
    if (z >= POINT_FULL_ZOOM) {
      return sql`select t.id${cols}, t.geom_3857 as g from ${table} t where ${inTile} order by t.id limit ${POINT_CAP}`;
    }
    const cell = unitSize(z) * POINT_CELL;
    return sql`select distinct on (t.cx, t.cy) t.id${cols}, t.geom_3857 as g,
        (count(*) over (partition by t.cx, t.cy))::int as ${sql.ref(POINT_COUNT)}
      from (
        select t.*, floor((ST_X(t.geom_3857) + ${MERC_HALF}::float8) / ${cell}::float8) as cx,
               floor((${MERC_HALF}::float8 - ST_Y(t.geom_3857)) / ${cell}::float8) as cy
        from ${table} t where ${inTile}
      ) t
      order by t.cx, t.cy, t.id`;
  }
  // as ST_AsMVTGeom does, drop shapes smaller than half a tile unit both ways (they would draw nothing)
  const visible = sql`greatest(ST_XMax(t.geom_3857) - ST_XMin(t.geom_3857), ST_YMax(t.geom_3857) - ST_YMin(t.geom_3857)) >= ${unitSize(z) / 2}::float8`;
  if (z >= SHAPE_FULL_ZOOM) {
    return sql`select t.id${cols}, t.geom_3857 as g from ${table} t where ${inTile}${forJs ? sql` and ${visible}` : sql``}`;
  }
  const size = def.geometry === 'Polygon' ? sql`ST_Area(t.geom_3857)` : sql`ST_Length(t.geom_3857)`;
  return sql`select t.id${cols}, ST_Simplify(t.geom_3857, ${unitSize(z)}::float8, true) as g
    from ${table} t where ${inTile} and ${visible}
    order by ${size} desc, t.id limit ${SHAPE_BUDGET}`;
}

/** The statement of encoder (a) for one tile (exported so benchmarks can time the bare SQL). */
export function postgresTileSql(
  def: CollectionDef,
  z: number,
  x: number,
  y: number,
): RawBuilder<{ mvt: Uint8Array | null }> {
  const names = propertyNames(def, z).map((n) => sql.ref(`s.${n}`));
  const cols = names.length ? sql`, ${sql.join(names)}` : sql``;
  return sql<{ mvt: Uint8Array | null }>`select ST_AsMVT(m, ${def.id}, ${EXTENT}, 'geom', 'id') as mvt from (
      select s.id${cols}, ST_AsMVTGeom(s.g, ${envelope(z, x, y, false)}, ${EXTENT}, ${BUFFER}, true) as geom
      from (${sourceSql(def, z, x, y, false)}) s
    ) m`; // ST_AsMVT skips rows whose geometry is null (a filter on it would run ST_AsMVTGeom twice)
}

/** (a) PostgreSQL: `ST_AsMVTGeom` + `ST_AsMVT` over `ST_TileEnvelope`. */
async function renderPostgres(db: Reader, def: CollectionDef, z: number, x: number, y: number): Promise<Uint8Array> {
  const r = await postgresTileSql(def, z, x, y).execute(db);
  const mvt = r.rows[0]?.mvt;
  return mvt && mvt.byteLength > 0 ? new Uint8Array(mvt.buffer, mvt.byteOffset, mvt.byteLength) : EMPTY;
}

type Pt = [number, number];
interface TileGeometryJson {
  type: string;
  coordinates?: unknown;
  geometries?: TileGeometryJson[];
}
interface VtFeature {
  id: number;
  type: 1 | 2 | 3;
  geometry: Pt[] | Pt[][];
  tags: Record<string, string | number | boolean>;
}

/**
 * (b) PGlite (no protobuf-c): SQL moves to tile units (`ST_Affine`, y down), snaps to the integer grid
 * (`ST_SnapToGrid`), clips to the buffered tile (`ST_ClipByBox2D`) and returns GeoJSON; JS drops what
 * collapsed, fixes ring winding and encodes with `@maplibre/vt-pbf`.
 */
async function renderJs(db: Reader, def: CollectionDef, z: number, x: number, y: number): Promise<Uint8Array> {
  const n = 2 ** z;
  const width = (2 * MERC_HALF) / n;
  const xmin = -MERC_HALF + x * width;
  const ymax = MERC_HALF - y * width;
  const k = EXTENT / width;
  const names = propertyNames(def, z);
  const cols = names.length ? sql`, ${sql.join(names.map((p) => sql.ref(`s.${p}`)))}` : sql``;
  // like ST_AsMVTGeom: to tile units (y down), snap to the integer grid, clip to the buffered tile, snap again
  const snapped = sql`ST_SnapToGrid(ST_Affine(s.g, ${k}::float8, 0, 0, ${-k}::float8, ${-xmin * k}::float8, ${ymax * k}::float8), 1)`;
  const clipped =
    def.geometry === 'Point'
      ? snapped
      : sql`ST_SnapToGrid(ST_ClipByBox2D(${snapped}, ST_MakeEnvelope(${-BUFFER}, ${-BUFFER}, ${EXTENT + BUFFER}, ${EXTENT + BUFFER})), 1)`;
  const r = await sql<Record<string, unknown> & { id: number; gj: string | null }>`
    select s.id${cols}, ST_AsGeoJSON(ST_RemoveRepeatedPoints(${clipped}), 0) as gj
    from (${sourceSql(def, z, x, y, true)}) s`.execute(db);
  const features: VtFeature[] = [];
  for (const row of r.rows) {
    if (row.gj === null) continue;
    const geom = toVtGeometry(JSON.parse(row.gj) as TileGeometryJson);
    if (!geom) continue;
    const tags: Record<string, string | number | boolean> = {};
    for (const name of names) {
      const v = row[name];
      if (v === null || v === undefined) continue;
      tags[name] = typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' ? v : String(v);
    }
    features.push({ id: row.id, type: geom.type, geometry: geom.geometry, tags });
  }
  if (features.length === 0) return EMPTY;
  // geojson-vt's tile shape is what fromGeojsonVt reads; our features match it structurally
  return fromGeojsonVt({ [def.id]: { features } } as never, { version: 2, extent: EXTENT });
}

function flatten(g: TileGeometryJson): TileGeometryJson[] {
  return g.type === 'GeometryCollection' ? (g.geometries ?? []).flatMap(flatten) : [g];
}

/** GeoJSON in tile units to a vt-pbf feature geometry, or undefined when nothing drawable is left. */
export function toVtGeometry(g: TileGeometryJson): { type: 1 | 2 | 3; geometry: Pt[] | Pt[][] } | undefined {
  const points: Pt[] = [];
  const lines: Pt[][] = [];
  const rings: Pt[][] = [];
  for (const part of flatten(g)) {
    const c = part.coordinates;
    if (part.type === 'Point') points.push(c as Pt);
    else if (part.type === 'MultiPoint') points.push(...(c as Pt[]));
    else if (part.type === 'LineString') addLine(lines, c as Pt[]);
    else if (part.type === 'MultiLineString') for (const l of c as Pt[][]) addLine(lines, l);
    else if (part.type === 'Polygon') addPolygon(rings, c as Pt[][]);
    else if (part.type === 'MultiPolygon') for (const p of c as Pt[][][]) addPolygon(rings, p);
  }
  if (rings.length) return { type: 3, geometry: rings };
  if (lines.length) return { type: 2, geometry: lines };
  if (points.length) return { type: 1, geometry: points };
  return undefined;
}

function addLine(out: Pt[][], line: Pt[]): void {
  const l = dedupe(line);
  if (l.length >= 2) out.push(l);
}

/** Adds a polygon's rings with MVT winding (exterior positive area in tile units, holes negative). */
function addPolygon(out: Pt[][], rings: Pt[][]): void {
  for (const [i, ring] of rings.entries()) {
    const r = dedupe(ring);
    const area = r.length >= 4 ? signedArea(r) : 0;
    // as ST_AsMVTGeom (wagyu) does, rings under one square tile unit are dropped
    if (Math.abs(area) < 1) {
      if (i === 0) return; // the exterior collapsed: drop the polygon with its holes
      continue;
    }
    if ((i === 0 && area < 0) || (i > 0 && area > 0)) r.reverse();
    out.push(r);
  }
}

function dedupe(line: Pt[]): Pt[] {
  const out: Pt[] = [];
  for (const p of line) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push([p[0], p[1]]);
  }
  return out;
}

/** Surveyor's formula in tile units (y down): positive for a ring that looks clockwise on screen. */
function signedArea(ring: Pt[]): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[j] as Pt;
    const b = ring[i] as Pt;
    s += a[0] * b[1] - b[0] * a[1];
  }
  return s / 2;
}
