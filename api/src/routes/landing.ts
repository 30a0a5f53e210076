import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../context.js';
import { apiUrl } from '../ogc/links.js';
import { apiRouter } from '../router.js';

const Link = z
  .object({ href: z.string(), rel: z.string(), type: z.string().optional(), title: z.string().optional() })
  .openapi('Link');
const Landing = z.object({ title: z.string(), description: z.string(), links: z.array(Link) }).openapi('LandingPage');

const route = createRoute({
  method: 'get',
  path: '/',
  operationId: 'getLandingPage',
  summary: 'Landing page (OGC API – Features)',
  tags: ['Capabilities'],
  responses: {
    200: {
      description: 'Links to the API description, conformance and data',
      content: { 'application/json': { schema: Landing } },
    },
  },
});

/** `GET /api`: the OGC API landing page. */
export function landingRoutes(_deps: AppDeps) {
  const app = apiRouter();
  return app.openapi(route, (c) => {
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
