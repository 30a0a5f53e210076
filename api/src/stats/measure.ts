/** Turf measurements used by the statistics: geodesic length (km) and area (km²) of GeoJSON geometries. */
import { area, length } from '@turf/turf';
import type { Geometry } from 'geojson';

/**
 * Length in km of the lines in a geometry (LineString, MultiLineString or a collection of them), by
 * Turf (haversine on a sphere of radius 6,371,008.8 m). Points and polygons count 0.
 */
export function lengthKm(geometry: Geometry): number {
  if (geometry.type === 'GeometryCollection') return geometry.geometries.reduce((s, g) => s + lengthKm(g), 0);
  if (geometry.type !== 'LineString' && geometry.type !== 'MultiLineString') return 0;
  return length({ type: 'Feature', properties: {}, geometry }, { units: 'kilometers' });
}

/** Area in km² of the polygons in a geometry, by Turf (spherical excess, radius 6,378,137 m). */
export function areaKm2(geometry: Geometry): number {
  return area({ type: 'Feature', properties: {}, geometry }) / 1e6;
}

/** Rounds to a number of decimals (for reports; measurements keep full precision until then). */
export function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}
