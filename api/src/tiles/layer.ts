import { allProperties, type CollectionDef, type PropertyDef } from '../collections.js';

/** Tile extent in tile units (the MVT default). */
export const EXTENT = 4096;
/** Render buffer around a tile, in tile units. */
export const BUFFER = 64;
/** Highest zoom listed in TileJSON; clients overzoom beyond it (the routes still serve up to z22). */
export const TILEJSON_MAXZOOM = 18;

/**
 * Points are thinned below this zoom: one point per grid cell of `POINT_CELL` tile units (the lowest id
 * of the cell, carrying `point_count`), so a tile holds at most (4096/64)² = 4,096 points.
 */
export const POINT_FULL_ZOOM = 14;
/**
 * From `POINT_FULL_ZOOM` on every point is drawn, up to this many per tile (lowest ids first): a safety cap
 * that keeps tiles bounded (4,096 points of a 2.4 km z14 tile would be far denser than any city's assets).
 */
export const POINT_CAP = 4096;
/** Grid cell of point thinning, in tile units. */
export const POINT_CELL = 64;
/**
 * Lines and polygons are simplified to one tile unit and capped below this zoom: the `SHAPE_BUDGET`
 * largest features of the tile (by length or area, then id) are kept.
 */
export const SHAPE_FULL_ZOOM = 14;
/** Most lines or polygons in a tile below `SHAPE_FULL_ZOOM`. */
export const SHAPE_BUDGET = 6000;

/** Property added to thinned points: how many points the kept one stands for. */
export const POINT_COUNT = 'point_count';

const SMALL_TYPES = new Set(['boolean', 'integer', 'number', 'date', 'month']);

/**
 * Display properties a tile carries, read from the collection catalog: the title column, enumerations,
 * short queryable texts (≤ 80 characters, e.g. `emd`, `code`), and every number, boolean and date
 * (`verified`, `demo`, `area_id`, `year`…). Bulky texts, arrays, JSON and computed values (address, note,
 * source, attrs, length_m) stay out of tiles; clients fetch the feature for its popup.
 */
export function tileProperties(def: CollectionDef): PropertyDef[] {
  return allProperties(def).filter(
    (p) =>
      p.name !== 'key' &&
      !p.readOnly &&
      (p.name === def.titleColumn ||
        p.enum !== undefined ||
        SMALL_TYPES.has(p.type) ||
        (p.type === 'text' && p.queryable === true && (p.maxLength ?? Infinity) <= 80)),
  );
}

/** TileJSON `vector_layers[].fields` type of a property. */
export function fieldType(p: PropertyDef): 'String' | 'Number' | 'Boolean' {
  if (p.type === 'integer' || p.type === 'number') return 'Number';
  if (p.type === 'boolean') return 'Boolean';
  return 'String';
}
