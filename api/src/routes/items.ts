import { createRoute, z } from '@hono/zod-openapi';
import { COLLECTION_IDS, getCollection } from '../collections.js';
import type { AppDeps } from '../context.js';
import { apiRouter } from '../router.js';
import { getFeature, listFeatures } from '../db/queries/features.js';
import { ApiError } from '../errors.js';

const GEOJSON = 'application/geo+json';

const CollectionParam = z.object({
  collectionId: z.enum(COLLECTION_IDS).openapi({ param: { name: 'collectionId', in: 'path' } }),
});

const ItemsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(10000).default(100).openapi({ description: 'Features per page (1–10000)' }),
    offset: z.coerce.number().int().min(0).max(1e9).default(0).openapi({ description: 'Features to skip' }),
    bbox: z
      .string()
      .optional()
      .openapi({ description: 'minLon,minLat,maxLon,maxLat (CRS84)', example: '126.6,37.6,126.7,37.7' }),
  })
  .openapi('ItemsQuery');

const FeatureCollection = z.object({ type: z.literal('FeatureCollection') }).passthrough().openapi('FeatureCollection');
const Feature = z.object({ type: z.literal('Feature') }).passthrough().openapi('Feature');

const listRoute = createRoute({
  method: 'get',
  path: '/collections/{collectionId}/items',
  summary: 'Features of a collection',
  tags: ['Features'],
  request: { params: CollectionParam, query: ItemsQuery },
  responses: { 200: { description: 'A page of features', content: { [GEOJSON]: { schema: FeatureCollection } } } },
});

const itemRoute = createRoute({
  method: 'get',
  path: '/collections/{collectionId}/items/{featureId}',
  summary: 'One feature',
  tags: ['Features'],
  request: {
    params: CollectionParam.extend({
      featureId: z.coerce.number().int().min(1).max(2147483647).openapi({ param: { name: 'featureId', in: 'path' } }),
    }),
  },
  responses: { 200: { description: 'The feature', content: { [GEOJSON]: { schema: Feature } } } },
});

/** Parses `bbox` (four numbers in range, west ≤ east, south ≤ north). */
export function parseBbox(raw: string | undefined): [number, number, number, number] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((s) => (s.trim() === '' ? Number.NaN : Number(s)));
  const bad = (message: string) => ApiError.badRequest(`Invalid bbox: ${message}`, [{ field: 'bbox', message }]);
  if (parts.length !== 4) throw bad(`expected 4 numbers minLon,minLat,maxLon,maxLat, got ${parts.length}`);
  if (parts.some((n) => !Number.isFinite(n))) throw bad('every value must be a finite number');
  const [w, s, e, n] = parts as [number, number, number, number];
  if (w < -180 || e > 180 || s < -90 || n > 90) throw bad('longitudes must lie in −180…180 and latitudes in −90…90');
  if (w > e || s > n) throw bad('minLon must not exceed maxLon, nor minLat maxLat');
  return [w, s, e, n];
}

/** `GET /api/collections/{id}/items` and `…/items/{featureId}` as GeoJSON. */
export function itemsRoutes({ db }: AppDeps) {
  const app = apiRouter();
  const reader = () => db.readers[Math.floor(Math.random() * db.readers.length)] ?? db.kysely;

  app.openapi(listRoute, async (c) => {
    const { collectionId } = c.req.valid('param');
    const { limit, offset, bbox } = c.req.valid('query');
    const def = getCollection(collectionId);
    if (!def) throw ApiError.notFound(`No collection "${collectionId}"`);
    const { numberMatched, features } = await listFeatures(reader(), def, { limit, offset, bbox: parseBbox(bbox) });
    const body = `{"type":"FeatureCollection","numberMatched":${numberMatched},"numberReturned":${features.length},"timeStamp":"${new Date().toISOString()}","features":[${features.map((f) => f.json).join(',')}]}`;
    return c.body(body, 200, { 'Content-Type': GEOJSON }) as never;
  });

  app.openapi(itemRoute, async (c) => {
    const { collectionId, featureId } = c.req.valid('param');
    const def = getCollection(collectionId);
    if (!def) throw ApiError.notFound(`No collection "${collectionId}"`);
    const feature = await getFeature(reader(), def, featureId);
    if (!feature) throw ApiError.notFound(`No feature ${featureId} in "${collectionId}"`);
    return c.body(feature.json, 200, { 'Content-Type': GEOJSON, ETag: `"${collectionId}-${feature.id}-v${feature.version}"` }) as never;
  });
  return app;
}
