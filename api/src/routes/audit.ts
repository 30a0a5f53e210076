import { createRoute, z } from '@hono/zod-openapi';
import { requireAdmin, requireUser } from '../auth/session.js';
import { COLLECTION_IDS, getCollection } from '../collections.js';
import type { AppDeps } from '../context.js';
import { type AuditQuery, listAudit } from '../db/queries/audit.js';
import { ApiError } from '../errors.js';
import { apiRouter } from '../router.js';

const isoInstant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/,
    'must be an ISO date or date-time',
  )
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be a real date');

const AuditQuerySchema = z.object({
  user: z.string().max(100).optional().openapi({ description: 'User name' }),
  collection: z.enum(COLLECTION_IDS).optional(),
  feature: z.coerce
    .number()
    .int()
    .min(1)
    .max(2147483647)
    .optional()
    .openapi({ description: 'Feature id (with collection)' }),
  action: z
    .string()
    .max(40)
    .optional()
    .openapi({ description: 'create, replace, patch, delete, report-status, import …' }),
  from: isoInstant.optional().openapi({ description: 'From (inclusive), ISO date or date-time' }),
  to: isoInstant.optional().openapi({ description: 'To (exclusive), ISO date or date-time' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1e9).default(0),
});

const Entry = z
  .object({
    id: z.number().int(),
    at: z.string(),
    username: z.string().nullable(),
    action: z.string(),
    collection: z.string().nullable(),
    featureId: z.number().int().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    detail: z.unknown(),
  })
  .openapi('AuditEntry');
const Page = z
  .object({
    numberMatched: z.number().int(),
    numberReturned: z.number().int(),
    entries: z.array(Entry),
    links: z.array(z.object({ rel: z.string(), href: z.string() })),
  })
  .openapi('AuditPage');

const auditRoute = createRoute({
  method: 'get',
  path: '/audit',
  summary: 'The audit log, newest first (admin)',
  tags: ['Staff'],
  request: { query: AuditQuerySchema },
  responses: {
    200: { description: 'A page of audit entries', content: { 'application/json': { schema: Page } } },
    401: { description: 'No staff session' },
    403: { description: 'Not an admin' },
  },
});

const historyRoute = createRoute({
  method: 'get',
  path: '/collections/{collectionId}/items/{featureId}/history',
  summary: "A feature's changes, newest first (staff)",
  tags: ['Staff'],
  request: {
    params: z.object({
      collectionId: z.enum(COLLECTION_IDS).openapi({ param: { name: 'collectionId', in: 'path' } }),
      featureId: z.coerce
        .number()
        .int()
        .min(1)
        .max(2147483647)
        .openapi({ param: { name: 'featureId', in: 'path' } }),
    }),
    query: z.object({
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      offset: z.coerce.number().int().min(0).max(1e9).default(0),
    }),
  },
  responses: {
    200: { description: 'The changes', content: { 'application/json': { schema: Page } } },
    401: { description: 'No staff session' },
  },
});

function pageLinks(url: string, q: { limit: number; offset: number }, returned: number, matched: number) {
  const links = [{ rel: 'self', href: url }];
  const at = (offset: number) => {
    const u = new URL(url);
    u.searchParams.set('offset', String(offset));
    u.searchParams.set('limit', String(q.limit));
    return `${u.pathname}${u.search}`;
  };
  if (q.offset + returned < matched) links.push({ rel: 'next', href: at(q.offset + q.limit) });
  if (q.offset > 0) links.push({ rel: 'prev', href: at(Math.max(0, q.offset - q.limit)) });
  return links;
}

/** `GET /api/audit` (admin) and `GET /api/collections/{id}/items/{featureId}/history` (staff). */
export function auditRoutes({ db }: AppDeps) {
  const app = apiRouter();

  app.openapi(auditRoute, async (c) => {
    requireAdmin(c);
    const q = c.req.valid('query');
    if (q.feature !== undefined && q.collection === undefined) {
      throw ApiError.badRequest('feature needs collection', [
        { field: 'feature', message: 'needs collection as well' },
      ]);
    }
    const query: AuditQuery = {
      username: q.user,
      collection: q.collection,
      featureId: q.feature,
      action: q.action,
      from: q.from,
      to: q.to,
      limit: q.limit,
      offset: q.offset,
    };
    const { numberMatched, entries } = await listAudit(db.kysely, query);
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        numberMatched,
        numberReturned: entries.length,
        entries,
        links: pageLinks(c.req.url, q, entries.length, numberMatched),
      },
      200,
    );
  });

  app.openapi(historyRoute, async (c) => {
    requireUser(c);
    const { collectionId, featureId } = c.req.valid('param');
    const { limit, offset } = c.req.valid('query');
    if (!getCollection(collectionId)) throw ApiError.notFound(`No collection "${collectionId}"`);
    const { numberMatched, entries } = await listAudit(db.kysely, {
      collection: collectionId,
      featureId,
      limit,
      offset,
    });
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        numberMatched,
        numberReturned: entries.length,
        entries,
        links: pageLinks(c.req.url, { limit, offset }, entries.length, numberMatched),
      },
      200,
    );
  });
  return app;
}
