import { type Kysely, sql } from 'kysely';
import { COLLECTIONS } from '../../collections.js';
import type { Database } from '../schema.js';
import { featureJson } from './features.js';

/** Metres in one degree of latitude, at least (the meridian's degree is shortest at the equator: 110,574 m). */
export const MIN_METRES_PER_DEGREE_LAT = 110_574;
/**
 * `π/180 · a` (a = 6,378,137 m, the WGS84 equatorial radius): one degree of longitude at latitude φ is at least
 * this × cos φ (the ellipsoid's parallel radius N·cos φ, with N ≥ a).
 */
export const METRES_PER_DEGREE_LON_AT_EQUATOR = 111_319.49;

/**
 * The Wi-Fi sites nearest to a point, as GeoJSON Feature texts with `properties.distance_m` (metres on
 * the WGS84 ellipsoid, ascending; ties by id).
 *
 * Exact, in one round trip, through the GiST index on `geom`:
 * 1. the `limit` sites nearest in planar degrees (KNN, `geom <-> point`), and d, the largest true ellipsoidal
 *    distance among them: the `limit` truly nearest sites all lie within d, as these `limit` sites do;
 * 2. every site whose envelope meets a degree box that holds every point within d of the query point: d / 110,574
 *    degrees of latitude each way, and d / (111,319.49 · cos φmax) of longitude, φmax being the highest latitude
 *    such a point (or the shortest path to it) can reach; the whole band of longitudes when the box would cross
 *    the antimeridian or reach a pole. Both bounds are widened by a part in a million for rounding;
 * 3. those sites ordered by the true distance, `limit` kept.
 *
 * Planar KNN alone can miss: a degree of longitude is ~0.79 of a degree of latitude at Gimpo, so a cluster a little
 * north can outrank, in degrees, a nearer site to the east.
 */
export async function nearestWifi(db: Kysely<Database>, lon: number, lat: number, limit: number): Promise<string[]> {
  const point = sql`ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326)`;
  const x = sql`${lon}::float8`;
  const y = sql`${lat}::float8`;
  const distance = sql`ST_Distance(t.geom::geography, ${point}::geography)`;
  const r = await sql<{ json: string }>`with
      knn as materialized (select max(ST_Distance(k.geom::geography, ${point}::geography)) as d
        from (select geom from wifi order by geom <-> ${point} limit ${limit}) k),
      deg as materialized (select d, d / ${MIN_METRES_PER_DEGREE_LAT}::float8 * 1.000001 + 1e-9 as dlat from knn),
      reach as materialized (select dlat, abs(${y}) + dlat as ymax,
          d / (${METRES_PER_DEGREE_LON_AT_EQUATOR}::float8 * cos(radians(least(abs(${y}) + dlat, 89.9)))) * 1.000001
            + 1e-9 as dlon
        from deg),
      box as materialized (select case
          when ymax >= 89.9 or ${x} - dlon < -180 or ${x} + dlon > 180
            then ST_MakeEnvelope(-180, ${y} - dlat, 180, ${y} + dlat, 4326)
          else ST_MakeEnvelope(${x} - dlon, ${y} - dlat, ${x} + dlon, ${y} + dlat, 4326) end as g
        from reach)
    select ${featureJson(COLLECTIONS.wifi, 't', [['distance_m', sql`round(${distance}::numeric, 1)`]])} as json
    from wifi t
    where t.geom && (select g from box)
    order by ${distance}, t.id
    limit ${limit}`.execute(db);
  return r.rows.map((row) => row.json);
}
