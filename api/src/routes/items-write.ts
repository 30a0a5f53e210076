import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireEditor } from '../auth/session.js';
import { COLLECTION_IDS, type CollectionDef, type CollectionId, getCollection } from '../collections.js';
import type { AppDeps, AppEnv } from '../context.js';
import {
  type Box,
  constraintError,
  deleteFeature,
  featureEtag,
  ifMatchVersions,
  insertFeature,
  optionalIfMatchVersions,
  updateFeature,
  type WriteResult,
} from '../db/queries/writes.js';
import { ApiError } from '../errors.js';
import { validateFeature, type WriteMode } from '../features/validate.js';
import { apiRouter } from '../router.js';

const GEOJSON = 'application/geo+json';

const CollectionParam = z.object({
  collectionId: z.enum(COLLECTION_IDS).openapi({ param: { name: 'collectionId', in: 'path' } }),
});
const ItemParam = CollectionParam.extend({
  featureId: z.coerce
    .number()
    .int()
    .min(1)
    .max(2147483647)
    .openapi({ param: { name: 'featureId', in: 'path' } }),
});
const IfMatch = z.object({
  'if-match': z
    .string()
    .optional()
    .openapi({
      param: { name: 'if-match', in: 'header' },
      description: 'ETag of the version being edited (If-Match, required)',
    }),
});
const DeleteIfMatch = z.object({
  'if-match': z
    .string()
    .optional()
    .openapi({
      param: { name: 'if-match', in: 'header' },
      description: 'ETag of the version being deleted (optional: without it, or with *, whatever version is current)',
    }),
});

/** A GeoJSON Feature as sent by staff; its fields are checked against the collection (features/validate.ts). */
const FeatureInput = z
  .object({
    type: z.string().optional(),
    geometry: z.unknown().optional(),
    properties: z.unknown().optional(),
  })
  .passthrough()
  .openapi('FeatureInput', { description: 'A GeoJSON Feature; for PATCH a JSON merge patch of one' });
const Feature = z
  .object({ type: z.literal('Feature') })
  .passthrough()
  .openapi('Feature');
const featureBody = (types: string[]) => ({
  required: true,
  content: Object.fromEntries(types.map((t) => [t, { schema: FeatureInput }])),
});
const errors = {
  400: { description: 'Invalid feature (problem+json naming each bad field)' },
  401: { description: 'No staff session' },
  403: { description: 'Role may not edit this collection' },
};

const createItemRoute = createRoute({
  method: 'post',
  path: '/collections/{collectionId}/items',
  summary: 'Add a feature (staff of the editing role)',
  tags: ['Staff'],
  request: { params: CollectionParam, body: featureBody([GEOJSON, 'application/json']) },
  responses: {
    201: { description: 'Created; Location and ETag name it', content: { [GEOJSON]: { schema: Feature } } },
    ...errors,
  },
});
const replaceItemRoute = createRoute({
  method: 'put',
  path: '/collections/{collectionId}/items/{featureId}',
  summary: 'Replace a feature (If-Match required)',
  tags: ['Staff'],
  request: { params: ItemParam, headers: IfMatch, body: featureBody([GEOJSON, 'application/json']) },
  responses: {
    200: { description: 'Replaced', content: { [GEOJSON]: { schema: Feature } } },
    ...errors,
    412: { description: 'Stale If-Match: the body carries the current version' },
    428: { description: 'If-Match missing' },
  },
});
const patchItemRoute = createRoute({
  method: 'patch',
  path: '/collections/{collectionId}/items/{featureId}',
  summary: 'Change some properties or the geometry of a feature (JSON merge patch, If-Match required)',
  tags: ['Staff'],
  request: {
    params: ItemParam,
    headers: IfMatch,
    body: featureBody(['application/merge-patch+json', GEOJSON, 'application/json']),
  },
  responses: {
    200: { description: 'Patched', content: { [GEOJSON]: { schema: Feature } } },
    ...errors,
    412: { description: 'Stale If-Match: the body carries the current version' },
    428: { description: 'If-Match missing' },
  },
});
const deleteItemRoute = createRoute({
  method: 'delete',
  path: '/collections/{collectionId}/items/{featureId}',
  summary: 'Delete a feature (If-Match optional; a stale one is refused)',
  tags: ['Staff'],
  request: { params: ItemParam, headers: DeleteIfMatch },
  responses: {
    204: { description: 'Deleted' },
    ...errors,
    412: { description: 'Stale If-Match: the body carries the current version' },
  },
});

function collection(id: string): CollectionDef {
  const def = getCollection(id);
  if (!def) throw ApiError.notFound(`No collection "${id}"`);
  return def;
}

function validated(def: CollectionDef, body: unknown, mode: WriteMode) {
  const r = validateFeature(def, body, mode);
  if (!r.ok) {
    throw ApiError.badRequest(
      `Invalid feature: ${r.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
      r.errors,
    );
  }
  return r.value;
}

/** Staff writes on items: `POST …/items`, `PUT`/`PATCH`/`DELETE …/items/{featureId}` (OGC API Features Part 4 style). */
export function itemsWriteRoutes(deps: AppDeps) {
  const { db } = deps;
  const app = apiRouter();

  /** After a commit: purge the cached vector tiles the old and new geometry touched. */
  const purgeTouchedTiles = (collectionId: CollectionId, boxes: Box[]) => deps.tiles.invalidate(collectionId, boxes);

  const run = async (
    c: Context<AppEnv>,
    def: CollectionDef,
    write: () => Promise<WriteResult>,
  ): Promise<WriteResult> => {
    let result: WriteResult;
    try {
      result = await write();
    } catch (err) {
      throw constraintError(err);
    }
    purgeTouchedTiles(def.id, result.boxes);
    c.header('Cache-Control', 'no-store');
    return result;
  };

  app.openapi(createItemRoute, async (c) => {
    const def = collection(c.req.valid('param').collectionId);
    const user = requireEditor(c, def);
    const input = validated(def, await c.req.json(), 'create');
    const r = await run(c, def, () => insertFeature(db.kysely, def, input, user));
    return c.body(r.json ?? '', 201, {
      'Content-Type': GEOJSON,
      Location: `/api/collections/${def.id}/items/${r.id}`,
      ETag: featureEtag(def.id, r.id, r.version),
    }) as never;
  });

  const update = (mode: 'replace' | 'patch') => async (c: Context<AppEnv>) => {
    const { collectionId, featureId } = c.req.param() as { collectionId: string; featureId: string };
    const def = collection(collectionId);
    const user = requireEditor(c, def);
    const id = Number(featureId);
    const versions = ifMatchVersions(c.req.header('if-match'), def.id, id);
    const input = validated(def, await c.req.json(), mode);
    const r = await run(c, def, () => updateFeature(db.kysely, def, id, versions, input, user, mode));
    return c.body(r.json ?? '', 200, { 'Content-Type': GEOJSON, ETag: featureEtag(def.id, r.id, r.version) });
  };
  app.openapi(replaceItemRoute, update('replace') as never);
  app.openapi(patchItemRoute, update('patch') as never);

  app.openapi(deleteItemRoute, async (c) => {
    const { collectionId, featureId } = c.req.valid('param');
    const def = collection(collectionId);
    const user = requireEditor(c, def);
    // unconditional without If-Match (API.md), but a stale ETag, when one is sent, is still refused (412)
    const versions = optionalIfMatchVersions(c.req.header('if-match'), def.id, featureId);
    await run(c, def, () => deleteFeature(db.kysely, def, featureId, versions, user));
    return c.body(null, 204) as never;
  });
  return app;
}
