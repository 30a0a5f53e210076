import fs from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';
import { sessionMiddleware } from './auth/session.js';
import type { AppDeps, AppEnv } from './context.js';
import { ApiError } from './errors.js';
import { handleError } from './problem.js';
import { apiRouter } from './router.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { clientConfigRoutes } from './routes/client-config.js';
import { collectionsRoutes } from './routes/collections.js';
import { conformanceRoutes } from './routes/conformance.js';
import { exportRoutes } from './routes/export.js';
import { healthRoutes } from './routes/health.js';
import { importsRoutes } from './routes/imports.js';
import { itemsRoutes } from './routes/items.js';
import { itemsWriteRoutes } from './routes/items-write.js';
import { landingRoutes } from './routes/landing.js';
import { reportsRoutes } from './routes/reports.js';
import { searchRoutes } from './routes/search.js';
import { statsRoutes } from './routes/stats.js';
import { tilesRoutes } from './routes/tiles.js';
import { wifiRoutes } from './routes/wifi.js';
import { bodyLimit, csrfGuard, securityHeaders } from './security.js';
import { createTileService } from './tiles/index.js';
import { webPage } from './web-page.js';

/**
 * The request as the client sent it when a proxy in front says the client used https (`X-Forwarded-Proto:
 * https`): only ever an upgrade from http to https, so a forged header can change nothing but the scheme of
 * the links in its own answer.
 */
export function asForwardedHttps(request: Request): Request {
  const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  if (proto !== 'https' || !request.url.startsWith('http:')) return request;
  return new Request(`https:${request.url.slice('http:'.length)}`, request);
}

/**
 * Builds the whole application: the API under `/api` and the web app at `/`. The tile service (and its
 * cache) is created here unless given, so one cache is shared by every route of the app.
 */
export function createApp(base: Omit<AppDeps, 'tiles'> & Partial<Pick<AppDeps, 'tiles'>>): OpenAPIHono<AppEnv> {
  const deps: AppDeps = { ...base, tiles: base.tiles ?? createTileService(base) };
  const app = new OpenAPIHono<AppEnv>();
  app.onError(handleError);
  // behind a TLS-terminating proxy the request reaches us as http: links, TileJSON tile URLs and the cookie's
  // Secure flag must say https, or browsers block the tiled layers as mixed content
  const dispatch = app.fetch;
  app.fetch = (request, ...rest) => dispatch(asForwardedHttps(request), ...rest);
  app.use('*', securityHeaders());
  // JSON, GeoJSON and CSV answers are gzipped for clients that accept it (a phone loading the 525 demo lines gets
  // ~60 KB instead of 370 KB); ETags become weak, as the API's already are. Vector tiles are left as they are.
  app.use('/api/*', compress());

  const api = apiRouter();
  // imports have their own, larger limit (config.maxImportBytes)
  const isImport = (p: string) => /\/imports?(\/|$)/.test(p);
  api.use('*', csrfGuard(), bodyLimit(deps.config.maxBodyBytes, isImport), sessionMiddleware(deps));
  api.route('/', healthRoutes(deps));
  api.route('/', landingRoutes(deps));
  api.route('/', conformanceRoutes(deps));
  api.route('/', collectionsRoutes(deps));
  api.route('/', itemsRoutes(deps));
  api.route('/', itemsWriteRoutes(deps));
  api.route('/', authRoutes(deps));
  api.route('/', auditRoutes(deps));
  api.route('/', reportsRoutes(deps));
  api.route('/', wifiRoutes(deps));
  api.route('/', searchRoutes(deps));
  api.route('/', statsRoutes(deps));
  api.route('/', importsRoutes(deps));
  api.route('/', exportRoutes(deps));
  api.route('/', clientConfigRoutes(deps));
  api.route('/', tilesRoutes(deps));
  api.doc('/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'Gimpo asset map API (김포시 자산 지도)',
      version: '0.1.0',
      description:
        'OGC API – Features (Part 1 core, GeoJSON, OpenAPI 3.0; Part 3 queryables) over the city layers, plus nearest Wi-Fi, search, statistics, tiles and staff writes.',
    },
    servers: [{ url: '/api' }],
    tags: [
      { name: 'Capabilities', description: 'Landing page, conformance, collections, queryables' },
      { name: 'Features', description: 'Features of each collection (GeoJSON or CSV)' },
      { name: 'City', description: 'Nearest Wi-Fi and search' },
      { name: 'Statistics', description: 'Survey coverage (Turf) and counts per 읍면동' },
      { name: 'Service', description: 'Health' },
      { name: 'Staff', description: 'Sign-in, writes (OGC API – Features Part 4 style) and the audit log' },
      { name: 'Reports', description: "Citizens' fault reports on assets" },
    ],
  });
  api.notFound((c) => {
    throw ApiError.notFound(`No route ${c.req.method} ${c.req.path}`);
  });
  app.route('/api', api);
  // an /api path no route answered: a trailing slash is dropped (301), anything else is a 404 problem, never the web app
  app.all('/api/*', (c) => {
    const url = new URL(c.req.url);
    if (c.req.method === 'GET' && /.\/$/.test(url.pathname)) {
      return c.redirect(`${url.pathname.replace(/\/+$/, '')}${url.search}`, 301);
    }
    throw ApiError.notFound(`No route ${c.req.method} ${c.req.path}`);
  });

  const root = path.relative(process.cwd(), deps.config.webDistDir) || '.';
  // web/dist may be built while the server runs (scripts/start.ts): until then the page says so (503, Retry-After)
  const page = webPage(deps);
  app.get('/', page);
  app.get('/index.html', page);
  app.use('/assets/*', async (c, next) => {
    await next();
    if (c.res.ok) c.res.headers.set('Cache-Control', 'public, max-age=31536000, immutable');
  });
  // the build writes .br/.gz beside each asset (web/vite.config.ts), sent as they are to browsers that accept
  // them; compress() is the fallback for a build without them
  app.use('/assets/*', compress());
  let statics: MiddlewareHandler | undefined; // made once the folder exists (serveStatic warns about a missing root)
  app.use('/*', (c, next) => {
    statics ??= fs.existsSync(deps.config.webDistDir) ? serveStatic({ root, precompressed: true }) : undefined;
    return statics ? statics(c, next) : next();
  });
  app.get('*', page);
  app.notFound((c) => handleError(ApiError.notFound(`No page ${c.req.path}`), c));
  return app;
}
