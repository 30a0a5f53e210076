/** Places points in their 읍면동: a point-in-polygon lookup over the admin-area outlines, bbox first. */
import { bbox, booleanPointInPolygon } from '@turf/turf';
import type { Geometry, MultiPolygon, Polygon, Position } from 'geojson';

/** A function naming the 읍면동 that contains a lon/lat position (undefined outside every one). */
export type EmdLocator = (p: Position) => string | undefined;

/** Builds the lookup from the outlines (name, WGS84 polygon). */
export function emdLocator(shapes: { name: string; geometry: Geometry }[]): EmdLocator {
  const areas = shapes
    .filter((s) => s.geometry.type === 'Polygon' || s.geometry.type === 'MultiPolygon')
    .map((s) => ({ name: s.name, geometry: s.geometry as Polygon | MultiPolygon, box: bbox(s.geometry) }));
  return (p) => {
    const [x, y] = p as [number, number];
    for (const a of areas) {
      const [w, s, e, n] = a.box;
      if (x < w || x > e || y < s || y > n) continue;
      if (booleanPointInPolygon([x, y], a.geometry)) return a.name;
    }
    return undefined;
  };
}
