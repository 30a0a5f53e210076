import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { COLLECTIONS, type CollectionDef, getCollection } from '../collections.js';
import type { AppDeps, AppEnv } from '../context.js';
import { getFeature, listFeatures, type StoredFeatureWithText } from '../db/queries/features.js';
import { ApiError } from '../errors.js';
import { wholeCollectionCache } from '../features/whole-collection-cache.js';
import { featuresCsv } from '../ogc/csv.js';
import { featureEtag, negotiate, notModified, weakEtag } from '../ogc/http.js';
import { linkHeader, pageLinks } from '../ogc/links.js';
import {
  filterValues,
  itemsQuerySchema,
  parseBbox,
  parseDatetime,
  rejectUnknownParams,
  unknownCollectionError,
} from '../ogc/params.js';
import { apiRouter } from '../router.js';

export { parseBbox } from '../ogc/params.js';

const GEOJSON = 'application/geo+json';

const FeatureCollection = z
  .object({
    type: z.literal('FeatureCollection'),
    numberMatched: z.number().int(),
    numberReturned: z.number().int(),
    timeStamp: z.string(),
    links: z.array(z.object({ href: z.string(), rel: z.string(), type: z.string().optional() })),
    features: z.array(z.object({ type: z.literal('Feature') }).passthrough()),
  })
  .openapi('FeatureCollection');
const Feature = z
  .object({ type: z.literal('Feature'), id: z.number().int() })
  .passthrough()
  .openapi('Feature');
const Problem = z
  .object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string() })
  .passthrough()
  .openapi('Problem');
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});

/**
 * Headers of an items page. A CSV page carries its paging in headers, as its body cannot: `Link` (RFC 8288: the
 * same self, alternate, collection, next and prev links a GeoJSON page lists in `links`), `OGC-NumberMatched` and
 * `OGC-NumberReturned` (the GeoJSON `numberMatched` and `numberReturned`).
 */
const PAGE_HEADERS = z.object({
  ETag: z.string().openapi({ description: 'Weak entity tag of the page (If-None-Match answers 304)' }),
  Link: z.string().optional().openapi({ description: 'CSV only: RFC 8288 links of the page (next, prev, self…)' }),
  'OGC-NumberMatched': z
    .string()
    .optional()
    .openapi({ description: 'CSV only: features matching the filters (numberMatched)' }),
  'OGC-NumberReturned': z
    .string()
    .optional()
    .openapi({ description: 'CSV only: features in this page (numberReturned)' }),
});

function listRoute(def: CollectionDef) {
  return createRoute({
    method: 'get',
    path: `/collections/${def.id}/items`,
    operationId: `getItems_${def.id.replace(/-/g, '_')}`,
    summary: `Features of ${def.en} (${def.ko})`,
    description: `A page of ${def.id}: bbox, limit/offset${def.datetimeColumn ? ', datetime' : ''} and equality filters on its queryables.`,
    tags: ['Features'],
    request: { query: itemsQuerySchema(def) },
    responses: {
      200: {
        description: 'A page of features',
        headers: PAGE_HEADERS,
        content: { [GEOJSON]: { schema: FeatureCollection }, 'text/csv': { schema: z.string() } },
      },
      304: { description: 'Not modified (If-None-Match)' },
      400: problem('A bad or unknown query parameter, named in `errors`'),
      406: problem('No acceptable format'),
    },
  });
}

function itemRoute(def: CollectionDef) {
  return createRoute({
    method: 'get',
    path: `/collections/${def.id}/items/{featureId}`,
    operationId: `getItem_${def.id.replace(/-/g, '_')}`,
    summary: `One feature of ${def.en}`,
    tags: ['Features'],
    request: {
      params: z.object({
        featureId: z
          .string()
          .max(40)
          .openapi({ param: { name: 'featureId', in: 'path' }, example: '1' }),
      }),
      query: z.object({ f: z.enum(['json', 'geojson']).optional() }),
    },
    responses: {
      200: {
        description: 'The feature',
        headers: z.object({ ETag: z.string() }),
        content: { [GEOJSON]: { schema: Feature } },
      },
      304: { description: 'Not modified (If-None-Match)' },
      404: problem('No such feature'),
    },
  });
}

/**
 * `GET /api/collections/{id}/items` (GeoJSON or CSV pages with counts, next/prev links, ETag) and
 * `GET …/items/{featureId}`; one route per collection so each documents its own typed filters.
 */
export function itemsRoutes({ db }: AppDeps) {
  const app = apiRouter();
  const reader = () => db.reader();
  const whole = wholeCollectionCache(10_000);

  for (const def of Object.values(COLLECTIONS)) {
    const schema = itemsQuerySchema(def);
    const allowed = Object.keys(schema.shape);
    app.openapi(listRoute(def), async (c) => {
      rejectUnknownParams(c.req.url, allowed);
      const query = c.req.valid('query') as Record<string, unknown> & {
        limit: number;
        offset: number;
        bbox?: string;
        f?: string;
      };
      const format = negotiate(query.f, c.req.header('Accept'));
      const { limit, offset } = query;
      const bbox = parseBbox(query.bbox);
      const datetime = parseDatetime(query.datetime as string | undefined);
      const filters = filterValues(def, query);
      const read = reader();
      const load = () =>
        listFeatures(
          read,
          def,
          { limit, offset, ...(bbox ? { bbox } : {}), ...(datetime ? { datetime } : {}), filters },
          format === 'csv',
        );
      // a GeoJSON request for the whole collection (what the web map asks on every visit) may come from memory
      const wholeAsked = format === 'json' && offset === 0 && !bbox && !datetime && Object.keys(filters).length === 0;
      const { numberMatched, features } = wholeAsked ? await whole.read(read, def, limit, load) : await load();
      const etag = weakEtag(format, c.req.url, numberMatched, ...features.map((f) => `${f.id}.${f.version}`));
      if (notModified(c.req.header('If-None-Match'), etag)) return c.body(null, 304, { ETag: etag }) as never;
      const links = pageLinks(c.req.url, {
        limit,
        offset,
        returned: features.length,
        matched: numberMatched,
        collectionPath: `/api/collections/${def.id}`,
        format,
      });
      if (format === 'csv') {
        // a CSV body has no room for the page's counts and links: they travel as headers (see PAGE_HEADERS)
        return c.body(featuresCsv(def, features as StoredFeatureWithText[]), 200, {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="${def.id}.csv"`,
          ETag: etag,
          Link: linkHeader(links),
          'OGC-NumberMatched': String(numberMatched),
          'OGC-NumberReturned': String(features.length),
        }) as never;
      }
      const body = `{"type":"FeatureCollection","numberMatched":${numberMatched},"numberReturned":${features.length},"timeStamp":"${new Date().toISOString()}","links":${JSON.stringify(links)},"features":[${features.map((f) => f.json).join(',')}]}`;
      return c.body(body, 200, { 'Content-Type': GEOJSON, ETag: etag }) as never;
    });

    app.openapi(itemRoute(def), async (c) => {
      rejectUnknownParams(c.req.url, ['f']);
      negotiate(c.req.valid('query').f, c.req.header('Accept'));
      const raw = c.req.valid('param').featureId;
      const id = /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : Number.NaN;
      const feature = id <= 2147483647 ? await getFeature(reader(), def, id) : undefined;
      if (!feature) {
        const detail = `No feature "${raw.slice(0, 40)}" in collection "${def.id}"`;
        throw new ApiError(404, detail, { errors: [{ field: 'featureId', message: 'no such feature' }] });
      }
      const etag = featureEtag(def.id, feature.id, feature.version);
      if (notModified(c.req.header('If-None-Match'), etag)) return c.body(null, 304, { ETag: etag }) as never;
      return c.body(feature.json, 200, { 'Content-Type': GEOJSON, ETag: etag }) as never;
    });
  }

  // Any other collection id: 404 naming it (a known id falls through to the routes above or to others' routes).
  const unknownCollection = async (c: Context<AppEnv>, next: () => Promise<void>) => {
    const id = c.req.param('collectionId') ?? '';
    if (!getCollection(id)) throw unknownCollectionError(id);
    await next();
  };
  app.get('/collections/:collectionId/items', unknownCollection);
  app.get('/collections/:collectionId/items/:featureId', unknownCollection);
  return app;
}
