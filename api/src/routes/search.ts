import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../context.js';
import { searchFeatures } from '../db/queries/search.js';
import { decimalParam, rejectUnknownParams, withoutControls } from '../ogc/params.js';
import { apiRouter } from '../router.js';

const Query = z.object({
  q: withoutControls(
    z.string().trim().min(1, 'give 1–100 characters to search for').max(100, 'give 1–100 characters to search for'),
  ).openapi({
    description: 'Words to find in names and addresses (Korean or English, partial words match)',
    example: '라베니체',
  }),
  limit: decimalParam((n) => n.int().min(1).max(100).default(20)).openapi({ description: 'Most results (1–100)' }),
});
const Problem = z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string() }).passthrough();

const route = createRoute({
  method: 'get',
  path: '/search',
  operationId: 'search',
  summary: 'Find features of every collection by name or address',
  description:
    'Ranked: exact before prefix before partial matches, names before addresses. Each result has `properties.collection`.',
  tags: ['City'],
  request: { query: Query },
  responses: {
    200: {
      description: 'Matching features, best first',
      content: { 'application/geo+json': { schema: z.object({ type: z.literal('FeatureCollection') }).passthrough() } },
    },
    400: {
      description: 'q missing, empty, too long or holding control characters',
      content: { 'application/problem+json': { schema: Problem } },
    },
  },
});

/** `GET /api/search?q=&limit=`. */
export function searchRoutes({ db }: AppDeps) {
  const app = apiRouter();
  return app.openapi(route, async (c) => {
    rejectUnknownParams(c.req.url, Object.keys(Query.shape));
    const { q, limit } = c.req.valid('query');
    const reader = db.reader();
    const features = await searchFeatures(reader, q, limit);
    const body = `{"type":"FeatureCollection","numberReturned":${features.length},"features":[${features.join(',')}]}`;
    return c.body(body, 200, { 'Content-Type': 'application/geo+json' }) as never;
  });
}
