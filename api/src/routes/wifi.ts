import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../context.js';
import { nearestWifi } from '../db/queries/nearest.js';
import { decimalParam, rejectUnknownParams } from '../ogc/params.js';
import { apiRouter } from '../router.js';

const Query = z.object({
  lon: decimalParam((n) => n.min(-180).max(180)).openapi({ description: 'Longitude (WGS84)', example: 126.7156 }),
  lat: decimalParam((n) => n.min(-90).max(90)).openapi({ description: 'Latitude (WGS84)', example: 37.6153 }),
  limit: decimalParam((n) => n.int().min(1).max(100).default(5)).openapi({ description: 'How many sites (1–100)' }),
});
const Problem = z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string() }).passthrough();

const route = createRoute({
  method: 'get',
  path: '/wifi/nearest',
  operationId: 'nearestWifi',
  summary: 'Public Wi-Fi sites nearest to a point',
  description:
    'Exact nearest sites by the distance on the WGS84 ellipsoid (`properties.distance_m`, ascending), found through the spatial index.',
  tags: ['City'],
  request: { query: Query },
  responses: {
    200: {
      description: 'The nearest sites, nearest first',
      content: { 'application/geo+json': { schema: z.object({ type: z.literal('FeatureCollection') }).passthrough() } },
    },
    400: {
      description: 'lon/lat/limit missing or out of range',
      content: { 'application/problem+json': { schema: Problem } },
    },
  },
});

/** `GET /api/wifi/nearest?lon=&lat=&limit=`. */
export function wifiRoutes({ db }: AppDeps) {
  const app = apiRouter();
  return app.openapi(route, async (c) => {
    rejectUnknownParams(c.req.url, Object.keys(Query.shape));
    const { lon, lat, limit } = c.req.valid('query');
    const reader = db.reader();
    const features = await nearestWifi(reader, lon, lat, limit);
    const body = `{"type":"FeatureCollection","numberReturned":${features.length},"features":[${features.join(',')}]}`;
    return c.body(body, 200, { 'Content-Type': 'application/geo+json' }) as never;
  });
}
