import { createRoute, z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { COLLECTIONS, type CollectionDef, getCollection } from '../collections.js';
import type { AppDeps } from '../context.js';
import { collectionExtent } from '../db/queries/features.js';
import type { Database } from '../db/schema.js';
import { apiUrl } from '../ogc/links.js';
import { documentQuerySchema, rejectUnknownParams, unknownCollectionError } from '../ogc/params.js';
import { queryablesSchema } from '../ogc/queryables.js';
import { apiRouter } from '../router.js';

const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';

const Link = z.object({ href: z.string(), rel: z.string(), type: z.string().optional(), title: z.string().optional() });
const Collection = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    itemType: z.literal('feature'),
    crs: z.array(z.string()),
    extent: z.object({
      spatial: z.object({ bbox: z.array(z.array(z.number())), crs: z.string() }),
      temporal: z.object({ interval: z.array(z.array(z.string().nullable())), trs: z.string() }).optional(),
    }),
    links: z.array(Link),
  })
  .passthrough()
  .openapi('Collection');
const Collections = z.object({ links: z.array(Link), collections: z.array(Collection) }).openapi('Collections');
const Problem = z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string() }).passthrough();
const notFound = { description: 'No such collection', content: { 'application/problem+json': { schema: Problem } } };
const badRequest = {
  description: 'An unknown query parameter or a bad `f`, named in `errors`',
  content: { 'application/problem+json': { schema: Problem } },
};
const allowed = Object.keys(documentQuerySchema.shape);
const IdParam = z.object({
  collectionId: z
    .string()
    .max(100)
    .openapi({
      param: { name: 'collectionId', in: 'path' },
      example: 'wifi',
      description: Object.keys(COLLECTIONS).join(', '),
    }),
});

const listRoute = createRoute({
  method: 'get',
  path: '/collections',
  operationId: 'getCollections',
  summary: 'The collections',
  tags: ['Capabilities'],
  request: { query: documentQuerySchema },
  responses: {
    200: { description: 'Every collection with its extent', content: { 'application/json': { schema: Collections } } },
    400: badRequest,
  },
});
const oneRoute = createRoute({
  method: 'get',
  path: '/collections/{collectionId}',
  operationId: 'describeCollection',
  summary: 'One collection',
  tags: ['Capabilities'],
  request: { params: IdParam, query: documentQuerySchema },
  responses: {
    200: { description: 'The collection', content: { 'application/json': { schema: Collection } } },
    400: badRequest,
    404: notFound,
  },
});
const queryablesRoute = createRoute({
  method: 'get',
  path: '/collections/{collectionId}/queryables',
  operationId: 'getQueryables',
  summary: 'Properties usable as {property}=value filters (JSON Schema)',
  tags: ['Capabilities'],
  request: { params: IdParam, query: documentQuerySchema },
  responses: {
    200: {
      description: 'JSON Schema of the queryables',
      content: { 'application/schema+json': { schema: z.object({}).passthrough() } },
    },
    400: badRequest,
    404: notFound,
  },
});

function known(id: string): CollectionDef {
  const def = getCollection(id);
  if (!def) throw unknownCollectionError(id);
  return def;
}

async function describe(db: Kysely<Database>, def: CollectionDef, requestUrl: string) {
  const u = (p: string) => apiUrl(requestUrl, p);
  const extent = await collectionExtent(db, def);
  const base = `/api/collections/${def.id}`;
  return {
    id: def.id,
    title: `${def.ko} (${def.en})`,
    description: def.description,
    itemType: 'feature' as const,
    crs: [CRS84],
    storageCrs: CRS84,
    numberMatched: extent.count,
    extent: {
      spatial: { bbox: extent.bbox ? [extent.bbox] : [], crs: CRS84 },
      ...(extent.interval
        ? {
            temporal: {
              interval: [extent.interval.map((d) => (d ? `${d}T00:00:00Z` : null))],
              trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian',
            },
          }
        : {}),
    },
    links: [
      { href: u(base), rel: 'self', type: 'application/json', title: 'This collection' },
      { href: u(`${base}/items`), rel: 'items', type: 'application/geo+json', title: 'Features (GeoJSON)' },
      { href: u(`${base}/items?f=csv`), rel: 'items', type: 'text/csv', title: 'Features (CSV)' },
      {
        href: u(`${base}/queryables`),
        rel: 'http://www.opengis.net/def/rel/ogc/1.0/queryables',
        type: 'application/schema+json',
        title: 'Queryables',
      },
      {
        href: u(`/api/tiles/${def.id}.json`),
        rel: 'tiles',
        type: 'application/json',
        title: 'Vector tiles (TileJSON)',
      },
    ],
  };
}

/** `GET /api/collections`, `…/{id}` (extents from the data) and `…/{id}/queryables`. */
export function collectionsRoutes({ db }: AppDeps) {
  const app = apiRouter();
  app.openapi(listRoute, async (c) => {
    rejectUnknownParams(c.req.url, allowed);
    const u = (p: string) => apiUrl(c.req.url, p);
    // one query per collection, in parallel (PostgreSQL spreads them over the pool)
    const reader = db.reader();
    const collections = await Promise.all(Object.values(COLLECTIONS).map((def) => describe(reader, def, c.req.url)));
    return c.json(
      {
        links: [
          { href: u('/api/collections'), rel: 'self', type: 'application/json', title: 'The collections' },
          { href: u('/api'), rel: 'parent', type: 'application/json', title: 'Landing page' },
        ],
        collections,
      },
      200,
    );
  });
  app.openapi(oneRoute, async (c) => {
    const def = known(c.req.valid('param').collectionId);
    rejectUnknownParams(c.req.url, allowed);
    return c.json(await describe(db.reader(), def, c.req.url), 200);
  });
  app.openapi(queryablesRoute, (c) => {
    const def = known(c.req.valid('param').collectionId);
    rejectUnknownParams(c.req.url, allowed);
    return c.body(JSON.stringify(queryablesSchema(def, c.req.url)), 200, {
      'Content-Type': 'application/schema+json',
    }) as never;
  });
  return app;
}
