import { createRoute, z } from '@hono/zod-openapi';
import { allProperties, COLLECTION_IDS, COLLECTIONS } from '../collections.js';
import type { AppDeps } from '../context.js';
import { apiRouter } from '../router.js';

const PropertyLabel = z
  .object({
    name: z.string(),
    ko: z.string(),
    en: z.string(),
    type: z.string(),
    enum: z.array(z.string()).optional(),
  })
  .openapi('PropertyLabel');

const CollectionLabels = z
  .object({
    id: z.enum(COLLECTION_IDS),
    ko: z.string(),
    en: z.string(),
    geometry: z.enum(['Point', 'Polygon', 'LineString']),
    titleColumn: z.string(),
    properties: z.array(PropertyLabel),
  })
  .openapi('CollectionLabels');

const ClientConfig = z
  .object({
    basemapStyleUrl: z
      .string()
      .openapi({ description: "'osm' (OpenStreetMap raster), a MapLibre style URL, or '' for the offline style" }),
    tileThreshold: z
      .number()
      .int()
      .openapi({ description: 'Collections with more features are drawn from vector tiles' }),
    collections: z.array(CollectionLabels),
  })
  .openapi('ClientConfig');

const route = createRoute({
  method: 'get',
  path: '/client-config',
  summary: 'Settings and Korean/English labels the web client needs',
  tags: ['Service'],
  responses: {
    200: {
      description: 'Basemap, tile threshold and property labels',
      content: { 'application/json': { schema: ClientConfig } },
    },
  },
});

/** `GET /api/client-config`: basemap style, vector-tile threshold and the ko/en labels of every property. */
export function clientConfigRoutes({ config }: AppDeps) {
  const app = apiRouter();
  const body = {
    basemapStyleUrl: config.basemapStyleUrl,
    tileThreshold: config.tileThreshold,
    collections: COLLECTION_IDS.map((id) => {
      const def = COLLECTIONS[id];
      return {
        id,
        ko: def.ko,
        en: def.en,
        geometry: def.geometry,
        titleColumn: def.titleColumn,
        properties: allProperties(def).map((p) => ({
          name: p.name,
          ko: p.ko,
          en: p.en,
          type: p.type,
          ...(p.enum ? { enum: [...p.enum] } : {}),
        })),
      };
    }),
  };
  return app.openapi(route, (c) => {
    c.header('Cache-Control', 'public, max-age=60');
    return c.json(body, 200);
  });
}
