// Coverage ledger arithmetic in the browser (Turf): surveyed length per project and lines outside their area.
import bboxOf from '@turf/bbox';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import length from '@turf/length';
import type {
  Feature,
  FeatureCollection,
  Geometry,
  LineString,
  MultiLineString,
  MultiPolygon,
  Polygon,
  Position,
} from 'geojson';

/** What the browser computes for one project from the loaded lines. */
export interface ProjectCheck {
  /** Sum of the Turf lengths of the project's lines, km. */
  turfKm: number;
  lines: Feature<Geometry, Record<string, unknown>>[];
  /** Lines with at least one vertex outside the project's area. */
  outside: Feature<Geometry, Record<string, unknown>>[];
  bbox?: [number, number, number, number];
}

function vertices(g: Geometry): Position[] {
  if (g.type === 'LineString') return (g as LineString).coordinates;
  if (g.type === 'MultiLineString') return (g as MultiLineString).coordinates.flat();
  return [];
}

/** Checks every project (update area) against the lines that name it in `area_id`. */
export function checkProjects(
  areas: FeatureCollection<Geometry, Record<string, unknown>>,
  lines: FeatureCollection<Geometry, Record<string, unknown>>,
): Map<number, ProjectCheck> {
  const out = new Map<number, ProjectCheck>();
  for (const a of areas.features) {
    const id = Number(a.id);
    const mine = lines.features.filter((l) => Number(l.properties.area_id) === id && l.geometry);
    const poly = a.geometry as Polygon | MultiPolygon | null;
    const outside = poly ? mine.filter((l) => vertices(l.geometry).some((p) => !booleanPointInPolygon(p, poly))) : [];
    const turfKm = mine.reduce((s, l) => s + length(l, { units: 'kilometers' }), 0);
    out.set(id, {
      turfKm,
      lines: mine,
      outside,
      bbox: poly ? (bboxOf(a) as [number, number, number, number]) : undefined,
    });
  }
  return out;
}

/** Whether two lengths agree: within 0.5 % (sphere vs spheroid) or 5 m. */
export function lengthsMatch(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(0.005, 0.005 * Math.max(a, b));
}
