import { createRoute, z } from '@hono/zod-openapi';
import { requireUser } from '../auth/session.js';
import { COLLECTION_IDS, COLLECTIONS, canEdit, getCollection } from '../collections.js';
import type { AppDeps } from '../context.js';
import {
  getReport,
  insertReport,
  listReports,
  openReportsGeoJson,
  REPORT_CATEGORIES,
  REPORT_STATUSES,
  setReportStatus,
} from '../db/queries/reports.js';
import { ApiError } from '../errors.js';
import { DbRateLimiter } from '../ratelimit.js';
import { apiRouter } from '../router.js';
import { clientAddress } from '../security.js';

/** Reports one address may file in a burst, refilled over `REPORT_WINDOW_MS`. */
export const REPORTS_PER_ADDRESS = 5;
/** Refill window of the report limiter: 10 minutes. */
export const REPORT_WINDOW_MS = 10 * 60_000;

const NewReport = z
  .object({
    collection: z.enum(COLLECTION_IDS),
    feature_id: z.number().int().min(1).max(2147483647),
    category: z.enum(REPORT_CATEGORIES),
    message: z
      .string()
      .trim()
      .min(1)
      .max(2000)
      .refine((s) => !s.includes('\u0000'), 'must not contain NUL'),
    contact: z
      .string()
      .trim()
      .max(200)
      .refine((s) => !s.includes('\u0000'), 'must not contain NUL')
      .optional(),
  })
  .strict()
  .openapi('NewFaultReport');

const Report = z
  .object({
    id: z.number().int(),
    collection: z.string(),
    featureId: z.number().int(),
    category: z.string(),
    message: z.string(),
    contact: z.string().nullable(),
    status: z.enum(REPORT_STATUSES),
    lon: z.number(),
    lat: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('FaultReport');

const createReportRoute = createRoute({
  method: 'post',
  path: '/reports',
  summary: 'Report a fault on an asset (public, no account; rate-limited per address)',
  tags: ['Reports'],
  request: { body: { required: true, content: { 'application/json': { schema: NewReport } } } },
  responses: {
    201: {
      description: 'Filed',
      content: { 'application/json': { schema: z.object({ id: z.number().int(), status: z.string() }) } },
    },
    400: { description: 'Invalid report or unknown feature' },
    429: { description: 'Too many reports from this address' },
  },
});

const listReportsRoute = createRoute({
  method: 'get',
  path: '/reports',
  summary: 'Fault reports on the collections the signed-in role edits (admin: all)',
  tags: ['Reports'],
  request: {
    query: z.object({
      status: z.enum(REPORT_STATUSES).optional(),
      collection: z.enum(COLLECTION_IDS).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(200),
      offset: z.coerce.number().int().min(0).max(1e9).default(0),
    }),
  },
  responses: {
    200: {
      description: 'Reports, newest first',
      content: { 'application/json': { schema: z.object({ reports: z.array(Report) }) } },
    },
    401: { description: 'No staff session' },
  },
});

const PublicReport = Report.omit({ message: true, contact: true }).openapi('PublicFaultReport');

const ReportParam = z.object({
  reportId: z.coerce
    .number()
    .int()
    .min(1)
    .max(2147483647)
    .openapi({ param: { name: 'reportId', in: 'path' } }),
});

const getReportRoute = createRoute({
  method: 'get',
  path: '/reports/{reportId}',
  summary:
    'One report (where POST /api/reports points): in full for staff of the owning role (admin: all); to anyone else without the message and contact, like open.geojson',
  tags: ['Reports'],
  request: { params: ReportParam },
  responses: {
    200: {
      description: 'The report; `message` and `contact` only for staff of the owning role',
      content: { 'application/json': { schema: z.union([Report, PublicReport]) } },
    },
    404: { description: 'No such report' },
  },
});

const openReportsRoute = createRoute({
  method: 'get',
  path: '/reports/open.geojson',
  summary: 'Open fault reports (new or in progress) for the map, without personal data',
  tags: ['Reports'],
  responses: {
    200: {
      description: 'FeatureCollection of report points',
      content: { 'application/geo+json': { schema: z.object({ type: z.literal('FeatureCollection') }).passthrough() } },
    },
  },
});

const patchReportRoute = createRoute({
  method: 'patch',
  path: '/reports/{reportId}',
  summary: 'Move a report on: new → in-progress → resolved (staff of the owning role)',
  tags: ['Reports'],
  request: {
    params: ReportParam,
    body: {
      required: true,
      content: { 'application/json': { schema: z.object({ status: z.enum(REPORT_STATUSES) }).strict() } },
    },
  },
  responses: {
    200: { description: 'Updated', content: { 'application/json': { schema: Report } } },
    401: { description: 'No staff session' },
    403: { description: 'Role does not own the collection' },
    409: { description: 'Not the next status, or changed meanwhile' },
  },
});

/** Citizens' fault reports: file (public), list and move on (staff), open reports for the map (public). */
export function reportsRoutes({ db }: AppDeps) {
  const app = apiRouter();
  // counted in the database, so every API process shares the limit; the address is stored only as a keyed hash
  const limiter = new DbRateLimiter(db.kysely, {
    scope: 'report-address',
    capacity: REPORTS_PER_ADDRESS,
    windowMs: REPORT_WINDOW_MS,
  });

  app.openapi(createReportRoute, async (c) => {
    const body = c.req.valid('json');
    const address = clientAddress(c);
    const allowed = await limiter.take(address);
    if (!allowed.ok) {
      throw new ApiError(429, 'Too many reports from this address; please try again later', {
        headers: { 'Retry-After': String(allowed.retryAfter) },
      });
    }
    const def = getCollection(body.collection);
    if (!def) throw ApiError.notFound(`No collection "${body.collection}"`);
    const report = await insertReport(db.kysely, def, {
      featureId: body.feature_id,
      category: body.category,
      message: body.message,
      contact: body.contact ? body.contact : null,
    });
    if (!report) {
      throw ApiError.badRequest(`No feature ${body.feature_id} in "${def.id}"`, [
        { field: 'feature_id', message: `no such feature in "${def.id}"` },
      ]);
    }
    return c.json({ id: report.id, status: report.status }, 201, { Location: `/api/reports/${report.id}` });
  });

  app.openapi(listReportsRoute, async (c) => {
    const user = requireUser(c);
    const q = c.req.valid('query');
    const owned = Object.values(COLLECTIONS)
      .filter((d) => canEdit(user.role, d))
      .map((d) => d.id as string);
    const collections = q.collection ? owned.filter((id) => id === q.collection) : owned;
    const reports = await listReports(db.kysely, {
      collections: user.role === 'admin' && !q.collection ? undefined : collections,
      status: q.status,
      limit: q.limit,
      offset: q.offset,
    });
    c.header('Cache-Control', 'no-store');
    return c.json({ reports }, 200);
  });

  app.openapi(openReportsRoute, async (c) => {
    const json = await openReportsGeoJson(db.kysely);
    return c.body(json, 200, { 'Content-Type': 'application/geo+json', 'Cache-Control': 'no-cache' }) as never;
  });

  // after open.geojson, so that path is never taken for an id
  app.openapi(getReportRoute, async (c) => {
    const { reportId } = c.req.valid('param');
    const report = await getReport(db.kysely, reportId);
    if (!report) throw ApiError.notFound(`No report ${reportId}`);
    // the message and the contact are the reporter's words and personal data: only for the staff who handle it
    const user = c.get('user');
    const def = getCollection(report.collection);
    const owner = Boolean(user && def && canEdit(user.role, def));
    c.header('Cache-Control', 'no-store');
    c.header('Vary', 'Cookie');
    if (owner) return c.json(report, 200);
    const { message: _message, contact: _contact, ...open } = report;
    return c.json(open, 200);
  });

  app.openapi(patchReportRoute, async (c) => {
    const user = requireUser(c);
    const { reportId } = c.req.valid('param');
    const { status } = c.req.valid('json');
    const report = await getReport(db.kysely, reportId);
    if (!report) throw ApiError.notFound(`No report ${reportId}`);
    const def = getCollection(report.collection);
    if (!def || !canEdit(user.role, def))
      throw new ApiError(403, `Role "${user.role}" does not handle reports on "${report.collection}"`);
    const from = REPORT_STATUSES.indexOf(report.status);
    if (REPORT_STATUSES.indexOf(status) !== from + 1) {
      throw new ApiError(
        409,
        `A ${report.status} report can only move to ${REPORT_STATUSES[from + 1] ?? '(nothing: it is resolved)'}`,
        {
          errors: [{ field: 'status', message: `must be ${REPORT_STATUSES[from + 1] ?? 'unchanged'}` }],
        },
      );
    }
    const updated = await setReportStatus(db.kysely, reportId, report.status, status, user);
    if (!updated) throw new ApiError(409, `Report ${reportId} was changed meanwhile; reload it`);
    return c.json(updated, 200);
  });
  return app;
}
