import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../context.js';
import { ApiError } from '../errors.js';
import { apiUrl } from '../ogc/links.js';
import { documentQuerySchema, rejectUnknownParams } from '../ogc/params.js';
import { apiRouter } from '../router.js';

const Link = z
  .object({ href: z.string(), rel: z.string(), type: z.string().optional(), title: z.string().optional() })
  .openapi('Link');
const Landing = z.object({ title: z.string(), description: z.string(), links: z.array(Link) }).openapi('LandingPage');
const Problem = z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string() }).passthrough();
const allowed = Object.keys(documentQuerySchema.shape);

const route = createRoute({
  method: 'get',
  path: '/',
  operationId: 'getLandingPage',
  summary: 'Landing page (OGC API – Features)',
  tags: ['Capabilities'],
  request: { query: documentQuerySchema },
  responses: {
    200: {
      description: 'Links to the API description, conformance and data',
      content: { 'application/json': { schema: Landing } },
    },
    400: {
      description: 'An unknown query parameter or a bad `f`, named in `errors`',
      content: { 'application/problem+json': { schema: Problem } },
    },
  },
});

/**
 * `GET /api`: the OGC API landing page. Also checks the query of `GET /api/openapi.json` (the document its
 * `service-desc` link names, served by app.ts's `api.doc`): only `f=json`, like the other documents.
 */
export function landingRoutes(_deps: AppDeps) {
  const app = apiRouter();
  app.use('/openapi.json', async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      rejectUnknownParams(c.req.url, allowed);
      const f = c.req.query('f');
      if (f !== undefined && f !== 'json') {
        throw ApiError.badRequest(`Invalid f: "${f.slice(0, 40)}" (the OpenAPI document is JSON: f=json)`, [
          { field: 'f', message: 'expected json' },
        ]);
      }
    }
    await next();
  });
  return app.openapi(route, (c) => {
    rejectUnknownParams(c.req.url, allowed);
    const u = (p: string) => apiUrl(c.req.url, p);
    return c.json(
      {
        title: 'Gimpo asset map (김포시 자산·시설물 지도)',
        description:
          'Public Wi-Fi, promotional facilities, spatial-DB update projects and 읍면동 of Gimpo as OGC API – Features',
        links: [
          { href: u('/api'), rel: 'self', type: 'application/json', title: 'This document' },
          {
            href: u('/api/openapi.json'),
            rel: 'service-desc',
            type: 'application/vnd.oai.openapi+json;version=3.0',
            title: 'The API definition',
          },
          { href: u('/api/conformance'), rel: 'conformance', type: 'application/json', title: 'Conformance classes' },
          { href: u('/api/collections'), rel: 'data', type: 'application/json', title: 'The collections' },
        ],
      },
      200,
    );
  });
}
