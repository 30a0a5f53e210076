import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../context.js';
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

const route = createRoute({
  method: 'get',
  path: '/conformance',
  operationId: 'getConformance',
  summary: 'Conformance classes',
  tags: ['Capabilities'],
  responses: {
    200: {
      description: 'The conformance classes implemented',
      content: { 'application/json': { schema: Conformance } },
    },
  },
});

/** `GET /api/conformance`. */
export function conformanceRoutes(_deps: AppDeps) {
  return apiRouter().openapi(route, (c) => c.json({ conformsTo: [...CONFORMS_TO] }, 200));
}
