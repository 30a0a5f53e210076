import fs from 'node:fs';
import path from 'node:path';
import type { Context } from 'hono';
import { COLLECTION_IDS, COLLECTIONS } from './collections.js';
import type { AppDeps, AppEnv } from './context.js';
import { collectionsWithin } from './db/queries/features.js';

/** What the web client's first view fetches for a GeoJSON layer (web/src/lib/api.ts `itemsUrl`). */
const firstViewItemsUrl = (id: string) => `/api/collections/${id}/items?limit=10000`;
/** The open fault reports drawn on the first view (web/src/lib/auth.ts `OPEN_REPORTS_URL`). */
const OPEN_REPORTS_URL = '/api/reports/open.geojson';

/** The page while web/dist has no build yet: it reloads itself every 5 s until the map is there. */
const BEING_BUILT = `<!doctype html>
<html lang="ko">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta http-equiv="refresh" content="5" />
    <title>김포시 자산·시설물 지도 — 준비 중 / being built</title>
  </head>
  <body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
    <h1 style="font-size: 1.3rem">지도를 준비하고 있습니다</h1>
    <p>웹 앱을 빌드하는 중입니다. 잠시 후 새로 고침하세요 (이 페이지는 5초마다 다시 불러옵니다).</p>
    <h1 lang="en" style="font-size: 1.3rem">The map is being built</h1>
    <p lang="en">The web app is being built. Reload in a moment (this page reloads itself every 5 seconds).</p>
    <p lang="en" style="color: #4b5563; font-size: 0.9rem">
      Still here after a few minutes? <code>npm start</code> builds the web app; <code>npm run build:web</code> builds
      it by hand. The API at <a href="/api">/api</a> is already up.
    </p>
  </body>
</html>
`;

/**
 * The web app's page: the built `index.html` with a preload for every GeoJSON the map's first view draws, so
 * the browser fetches them while it downloads and runs the app's script rather than once the map exists. A
 * collection with more features than the tile threshold is drawn from vector tiles and gets none, except the
 * admin areas, whose GeoJSON the offline basemap draws either way. Read again when the build changes.
 */
export function webPage({ db, config }: AppDeps) {
  const file = path.join(config.webDistDir, 'index.html');
  let cached: { mtimeMs: number; head: string; tail: string } | undefined;

  function template(): { mtimeMs: number; head: string; tail: string } | undefined {
    // a build in progress may have removed the file for a moment: the last one read serves meanwhile
    if (!fs.existsSync(file)) return cached;
    const { mtimeMs } = fs.statSync(file);
    if (cached?.mtimeMs !== mtimeMs) {
      const html = fs.readFileSync(file, 'utf8');
      const at = html.indexOf('</head>');
      cached = { mtimeMs, head: html.slice(0, at).trimEnd(), tail: html.slice(at) };
    }
    return cached;
  }

  /** The GeoJSON URLs the first view will ask for, or none when the database cannot tell (down, restarting). */
  async function firstViewUrls(): Promise<string[]> {
    const defs = COLLECTION_IDS.map((id) => COLLECTIONS[id]);
    try {
      const small = new Set(await collectionsWithin(db.reader(), defs, config.tileThreshold));
      return [
        ...COLLECTION_IDS.filter((id) => small.has(id) || id === 'admin-areas').map(firstViewItemsUrl),
        OPEN_REPORTS_URL,
      ];
    } catch {
      return []; // the page still loads; the app reports what fails
    }
  }

  return async (c: Context<AppEnv>) => {
    const page = template();
    // not built yet: `npm start` builds it beside the starting server (scripts/start.ts)
    if (!page) return c.html(BEING_BUILT, 503, { 'Retry-After': '5', 'Cache-Control': 'no-store' });
    const { head, tail } = page;
    const links = (await firstViewUrls()).map(
      (u) => `\n    <link rel="preload" href="${u}" as="fetch" crossorigin="anonymous" />`,
    );
    return c.html(`${head}${links.join('')}\n  ${tail}`, 200, { 'Cache-Control': 'no-cache' });
  };
}
