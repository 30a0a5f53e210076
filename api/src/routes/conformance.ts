import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../context.js';
import { documentQuerySchema, rejectUnknownParams } from '../ogc/params.js';
import { apiRouter } from '../router.js';

/** Conformance classes this API implements. */
export const CONFORMS_TO = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters',
] as const;

const Conformance = z.object({ conformsTo: z.array(z.string()) }).openapi('Conformance');
const Problem = z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string() }).passthrough();

const route = createRoute({
  method: 'get',
  path: '/conformance',
  operationId: 'getConformance',
  summary: 'Conformance classes',
  tags: ['Capabilities'],
  request: { query: documentQuerySchema },
  responses: {
    200: {
      description: 'The conformance classes implemented',
      content: { 'application/json': { schema: Conformance } },
    },
    400: {
      description: 'An unknown query parameter or a bad `f`, named in `errors`',
      content: { 'application/problem+json': { schema: Problem } },
    },
  },
});

/** `GET /api/conformance`. */
export function conformanceRoutes(_deps: AppDeps) {
  return apiRouter().openapi(route, (c) => {
    rejectUnknownParams(c.req.url, Object.keys(documentQuerySchema.shape));
    return c.json({ conformsTo: [...CONFORMS_TO] }, 200);
  });
}
