/** Web-Mercator tile grid arithmetic (XYZ scheme, y down, as in ST_TileEnvelope). */

/** Half the width of the EPSG:3857 world in metres. */
export const MERC_HALF = 20037508.342789244;

/** Highest zoom the tile routes accept. */
export const MAX_ZOOM = 22;

/** Longitude of the west edge of tile column x at zoom z. */
export function tileLon(x: number, z: number): number {
  return (x / 2 ** z) * 360 - 180;
}

/** Latitude of the north edge of tile row y at zoom z. */
export function tileLat(y: number, z: number): number {
  const n = Math.PI - (2 * Math.PI * y) / 2 ** z;
  return (180 / Math.PI) * Math.atan(Math.sinh(n));
}

/**
 * `[west, south, east, north]` in degrees of tile z/x/y grown by `bufferFraction` of its width on every side
 * (clamped to the Mercator world).
 */
export function tileBoundsLonLat(
  z: number,
  x: number,
  y: number,
  bufferFraction = 0,
): [number, number, number, number] {
  const n = 2 ** z;
  const x0 = Math.max(0, x - bufferFraction);
  const x1 = Math.min(n, x + 1 + bufferFraction);
  const y0 = Math.max(0, y - bufferFraction);
  const y1 = Math.min(n, y + 1 + bufferFraction);
  return [tileLon(x0, z), tileLat(y1, z), tileLon(x1, z), tileLat(y0, z)];
}

/** Whether z/x/y names a tile of the grid. */
export function isValidTile(z: number, x: number, y: number): boolean {
  if (!Number.isInteger(z) || !Number.isInteger(x) || !Number.isInteger(y)) return false;
  if (z < 0 || z > MAX_ZOOM) return false;
  const n = 2 ** z;
  return x >= 0 && x < n && y >= 0 && y < n;
}
