import { type Kysely, sql } from 'kysely';
import { COLLECTIONS } from '../../collections.js';
import type { Database } from '../schema.js';
import { featureJson } from './features.js';

/**
 * The Wi-Fi sites nearest to a point, as GeoJSON Feature texts with `properties.distance_m` (metres on
 * the WGS84 ellipsoid, ascending). Candidates come from the GiST index by KNN (`geom <-> point`, planar
 * degrees); because degrees of longitude are shorter than degrees of latitude, a few more candidates
 * than asked are taken and re-ordered by the true ellipsoidal distance.
 */
export async function nearestWifi(db: Kysely<Database>, lon: number, lat: number, limit: number): Promise<string[]> {
  const point = sql`ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326)`;
  const candidates = limit * 2 + 10;
  const distance = sql`round(ST_Distance(t.geom::geography, ${point}::geography)::numeric, 1)`;
  const r = await sql<{ json: string }>`select ${featureJson(COLLECTIONS.wifi, 't', [['distance_m', distance]])} as json
    from (select * from wifi order by geom <-> ${point} limit ${candidates}) t
    order by ST_Distance(t.geom::geography, ${point}::geography), t.id
    limit ${limit}`.execute(db);
  return r.rows.map((x) => x.json);
}
