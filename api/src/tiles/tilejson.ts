import { sql } from 'kysely';
import type { CollectionDef } from '../collections.js';
import type { Db } from '../db/client.js';
import { fieldType, POINT_COUNT, TILEJSON_MAXZOOM, tileProperties } from './layer.js';

/** A TileJSON 3.0.0 document for one collection. */
export interface TileJson {
  tilejson: '3.0.0';
  name: string;
  description: string;
  attribution: string;
  scheme: 'xyz';
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  bounds: [number, number, number, number];
  center: [number, number, number];
  vector_layers: {
    id: string;
    description: string;
    minzoom: number;
    maxzoom: number;
    fields: Record<string, string>;
  }[];
}

/** Bounds of a collection's data in lon/lat, or the whole Mercator world when it is empty. */
export async function dataBounds(db: Db, def: CollectionDef): Promise<[number, number, number, number]> {
  const r = await sql<{ w: number | null; s: number | null; e: number | null; n: number | null }>`
    select ST_XMin(x) as w, ST_YMin(x) as s, ST_XMax(x) as e, ST_YMax(x) as n
    from (select ST_Extent(geom)::geometry as x from ${sql.table(def.table)}) q`.execute(db.reader());
  const b = r.rows[0];
  if (!b || b.w === null || b.s === null || b.e === null || b.n === null) return [-180, -85.0511, 180, 85.0511];
  const clampLat = (v: number) => Math.max(-85.0511, Math.min(85.0511, v));
  return [b.w, clampLat(b.s), b.e, clampLat(b.n)];
}

/**
 * TileJSON of a collection: the absolute tile URL template under `origin`, zooms, data bounds and the one
 * vector layer (named after the collection) with the type of each field.
 */
export function tileJson(def: CollectionDef, origin: string, bounds: [number, number, number, number]): TileJson {
  const fields: Record<string, string> = {};
  for (const p of tileProperties(def)) fields[p.name] = `${fieldType(p)}: ${p.en} (${p.ko})`;
  if (def.geometry === 'Point') fields[POINT_COUNT] = 'Number: points this one stands for at low zoom (thinning)';
  const [w, s, e, n] = bounds;
  return {
    tilejson: '3.0.0',
    name: def.id,
    description: `${def.en} (${def.ko})`,
    attribution: 'Gimpo City (김포시)',
    scheme: 'xyz',
    tiles: [`${origin}/api/tiles/${def.id}/{z}/{x}/{y}.mvt`],
    minzoom: 0,
    maxzoom: TILEJSON_MAXZOOM,
    bounds,
    center: [(w + e) / 2, (s + n) / 2, 12],
    vector_layers: [{ id: def.id, description: def.description, minzoom: 0, maxzoom: TILEJSON_MAXZOOM, fields }],
  };
}
