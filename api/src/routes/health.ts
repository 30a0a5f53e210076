import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import type { AppDeps } from '../context.js';
import { apiRouter } from '../router.js';

const Health = z
  .object({
    status: z.literal('ok'),
    db: z.enum(['pglite', 'postgres']),
    postgis: z.string().openapi({ example: '3.6.2' }),
  })
  .openapi('Health');

const route = createRoute({
  method: 'get',
  path: '/health',
  summary: 'Liveness and backend of the server',
  tags: ['Service'],
  responses: {
    200: { description: 'The server and its database answer', content: { 'application/json': { schema: Health } } },
  },
});

/** `GET /api/health`: which database backs the server and its PostGIS version. */
export function healthRoutes({ db }: AppDeps) {
  const app = apiRouter();
  let postgis: string | undefined;
  return app.openapi(route, async (c) => {
    if (!postgis) {
      const r = await sql<{ v: string }>`select postgis_lib_version() as v`.execute(db.kysely);
      postgis = r.rows[0]?.v ?? 'unknown';
    } else {
      await sql`select 1`.execute(db.kysely);
    }
    c.header('Cache-Control', 'no-store');
    return c.json({ status: 'ok' as const, db: db.backend, postgis }, 200);
  });
}
