import { createRoute, z } from '@hono/zod-openapi';
import { COLLECTION_IDS, type CollectionDef, getCollection } from '../collections.js';
import type { AppDeps } from '../context.js';
import { ApiError } from '../errors.js';
import { apiRouter } from '../router.js';
import { MAX_ZOOM } from '../tiles/grid.js';
import { dataBounds, tileJson } from '../tiles/tilejson.js';

const MVT = 'application/vnd.mapbox-vector-tile';
/** Tiles may be stored but must be revalidated (ETag → 304): an edit shows on the next request. */
const TILE_CACHE_CONTROL = 'public, no-cache';

const TileJsonParams = z.object({
  tileset: z
    .string()
    .regex(/^[a-z-]+\.json$/, 'expected a collection id followed by .json, e.g. wifi.json')
    .openapi({
      param: { name: 'tileset', in: 'path' },
      description: `Collection id and .json (${COLLECTION_IDS.join(', ')})`,
      example: 'wifi.json',
    }),
});

const int = (name: string, description: string) =>
  z
    .string()
    .regex(/^[0-9]{1,8}$/, `${name} must be a whole number`)
    .transform(Number)
    .openapi({ param: { name, in: 'path' }, description, example: '14' });

const TileParams = z.object({
  collectionId: z.string().openapi({ param: { name: 'collectionId', in: 'path' }, example: 'wifi' }),
  z: int('z', `Zoom 0–${MAX_ZOOM}`),
  x: int('x', 'Column 0…2^z−1'),
  y: z
    .string()
    .regex(/^[0-9]{1,8}\.mvt$/, 'y must be a whole number followed by .mvt')
    .transform((s) => Number(s.slice(0, -4)))
    .openapi({ param: { name: 'y', in: 'path' }, description: 'Row 0…2^z−1, followed by .mvt', example: '6340.mvt' }),
});

const TileJsonSchema = z
  .object({ tilejson: z.literal('3.0.0') })
  .passthrough()
  .openapi('TileJSON');

const tileJsonRoute = createRoute({
  method: 'get',
  path: '/tiles/{tileset}',
  summary: 'TileJSON 3.0.0 of a collection’s vector tiles',
  tags: ['Tiles'],
  request: { params: TileJsonParams },
  responses: { 200: { description: 'TileJSON', content: { 'application/json': { schema: TileJsonSchema } } } },
});

const tileRoute = createRoute({
  method: 'get',
  path: '/tiles/{collectionId}/{z}/{x}/{y}',
  summary: 'One Mapbox Vector Tile (one layer named after the collection); empty body for an empty area',
  tags: ['Tiles'],
  request: { params: TileParams },
  responses: {
    200: {
      description: 'The tile (possibly empty)',
      content: { [MVT]: { schema: z.string().openapi({ format: 'binary' }) } },
    },
    304: { description: 'Not modified (If-None-Match matched the ETag)' },
  },
});

function collectionOr404(id: string): CollectionDef {
  const def = getCollection(id);
  if (!def) throw ApiError.notFound(`No collection "${id}"; known: ${COLLECTION_IDS.join(', ')}`);
  return def;
}

/** Whether an If-None-Match header lists this strong ETag (or is `*`). */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v === etag || v === `W/${etag}`;
  });
}

/** `GET /api/tiles/{id}.json` (TileJSON) and `GET /api/tiles/{id}/{z}/{x}/{y}.mvt` (vector tiles). */
export function tilesRoutes({ db, tiles }: AppDeps) {
  const app = apiRouter();

  app.openapi(tileJsonRoute, async (c) => {
    const { tileset } = c.req.valid('param');
    const def = collectionOr404(tileset.slice(0, -'.json'.length));
    const body = tileJson(def, new URL(c.req.url).origin, await dataBounds(db, def));
    c.header('Cache-Control', 'public, max-age=60');
    return c.json(body, 200);
  });

  app.openapi(tileRoute, async (c) => {
    const { collectionId, z: zoom, x, y } = c.req.valid('param');
    const def = collectionOr404(collectionId);
    const errors = [];
    if (zoom > MAX_ZOOM) errors.push({ field: 'z', message: `zoom must be 0–${MAX_ZOOM}` });
    else {
      const max = 2 ** zoom - 1;
      if (x > max) errors.push({ field: 'x', message: `x must be 0–${max} at zoom ${zoom}` });
      if (y > max) errors.push({ field: 'y', message: `y must be 0–${max} at zoom ${zoom}` });
    }
    if (errors.length) throw ApiError.badRequest(`Invalid tile: ${errors.map((e) => e.message).join('; ')}`, errors);
    const tile = await tiles.getTile(def.id, zoom, x, y);
    const headers = { ETag: tile.etag, 'Cache-Control': TILE_CACHE_CONTROL };
    if (etagMatches(c.req.header('If-None-Match'), tile.etag)) return c.body(null, 304, headers) as never;
    return c.body(tile.body as Uint8Array<ArrayBuffer>, 200, { ...headers, 'Content-Type': MVT }) as never;
  });
  return app;
}
