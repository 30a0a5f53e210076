import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import type { AppDeps } from '../context.js';
import { apiRouter } from '../router.js';

const Health = z
  .object({
    status: z.literal('ok'),
    db: z.enum(['pglite', 'postgres']),
    postgis: z.string().openapi({ example: '3.6.2' }),
    writes: z.boolean().openapi({
      description: 'Whether the primary answers (false: reads are served by the read replicas, writes get 503)',
    }),
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

/**
 * `GET /api/health`: which database backs the server and its PostGIS version. 200 while the server can answer
 * reads: from the primary, or — with `DATABASE_READ_URLS` set and the primary down — from a read replica
 * (`writes: false`), so a load balancer keeps sending public traffic. 503 when no database answers.
 */
export function healthRoutes({ db, config }: AppDeps) {
  const app = apiRouter();
  let postgis: string | undefined;
  const check = async (kysely: typeof db.kysely) => {
    if (!postgis) {
      const r = await sql<{ v: string }>`select postgis_lib_version() as v`.execute(kysely);
      postgis = r.rows[0]?.v ?? 'unknown';
    } else {
      await sql`select 1`.execute(kysely);
    }
  };
  const replicas = db.backend === 'postgres' ? config.databaseReadUrls.length : 0;
  return app.openapi(route, async (c) => {
    let writes = true;
    try {
      await check(db.kysely);
    } catch (err) {
      if (replicas === 0) throw err;
      writes = false;
      await check(db.reader()); // throws (→ 503) when the replica is down too
    }
    c.header('Cache-Control', 'no-store');
    return c.json({ status: 'ok' as const, db: db.backend, postgis: postgis ?? 'unknown', writes }, 200);
  });
}
