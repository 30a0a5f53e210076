import { createRoute, z } from '@hono/zod-openapi';
import { COLLECTIONS } from '../collections.js';
import type { AppDeps } from '../context.js';
import { rejectUnknownParams } from '../ogc/params.js';
import { apiRouter } from '../router.js';
import { cachedByData } from '../stats/cache.js';
import { coverageReport } from '../stats/coverage.js';
import { summaryReport } from '../stats/summary.js';

const Total = z.object({
  facility: z.string(),
  year: z.number().int().optional(),
  area_count: z.number().int(),
  target_km: z.number(),
  surveyed_km: z.number(),
  outside_km: z.number(),
  coverage_pct: z.number().nullable(),
  line_count: z.number().int(),
});
const Coverage = z
  .object({
    areas: z.array(
      z.object({
        id: z.number().int(),
        name: z.string(),
        facility: z.string(),
        year: z.number().int(),
        target_km: z.number().nullable(),
        surveyed_km: z.number(),
        outside_km: z.number(),
        coverage_pct: z.number().nullable(),
        area_km2: z.number(),
        line_count: z.number().int(),
      }),
    ),
    totals: z.object({ by_facility: z.array(Total), by_facility_year: z.array(Total) }),
    method: z.string(),
  })
  .openapi('Coverage');
const Summary = z
  .object({
    collections: z.array(z.string()),
    areas: z.array(
      z.object({
        code: z.string(),
        name_ko: z.string(),
        name_en: z.string().nullable(),
        counts: z.record(z.string(), z.number()),
        total: z.number(),
      }),
    ),
    outside: z.object({
      counts: z.record(z.string(), z.number()),
      total: z.number(),
      features: z.array(z.object({ collection: z.string(), id: z.number(), title: z.string().nullable() })),
    }),
    totals: z.record(z.string(), z.number()),
    method: z.string(),
  })
  .openapi('Summary');

const coverageRoute = createRoute({
  method: 'get',
  path: '/stats/coverage',
  operationId: 'statsCoverage',
  summary: 'Survey coverage per update area, with totals per facility and per facility and year',
  tags: ['Statistics'],
  responses: {
    200: {
      description: 'Coverage (Turf lengths of PostGIS-clipped lines)',
      content: { 'application/json': { schema: Coverage } },
    },
  },
});
const summaryRoute = createRoute({
  method: 'get',
  path: '/stats/summary',
  operationId: 'statsSummary',
  summary: 'Feature counts per collection per 읍면동',
  tags: ['Statistics'],
  responses: {
    200: {
      description: 'Counts per 읍면동 and the features lying in none',
      content: { 'application/json': { schema: Summary } },
    },
  },
});

/** `GET /api/stats/coverage` and `GET /api/stats/summary`. */
export function statsRoutes({ db }: AppDeps) {
  const app = apiRouter();
  const reader = () => db.reader();
  // recomputed only when the tables they read change (an edit or import shows in the next answer)
  const coverage = cachedByData(['update_areas', 'update_lines'], coverageReport);
  const summary = cachedByData(
    Object.values(COLLECTIONS).map((d) => d.table),
    summaryReport,
  );
  app.openapi(coverageRoute, async (c) => {
    rejectUnknownParams(c.req.url, []);
    return c.json(await coverage(reader()), 200);
  });
  app.openapi(summaryRoute, async (c) => {
    rejectUnknownParams(c.req.url, []);
    return c.json(await summary(reader()), 200);
  });
  return app;
}
