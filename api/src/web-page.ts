import fs from 'node:fs';
import path from 'node:path';
import type { Context } from 'hono';
import { COLLECTION_IDS, COLLECTIONS } from './collections.js';
import type { AppDeps, AppEnv } from './context.js';
import { collectionsWithin } from './db/queries/features.js';

/** What the web client's first view fetches for a GeoJSON layer (web/src/lib/api.ts `itemsUrl`). */
export const firstViewItemsUrl = (id: string) => `/api/collections/${id}/items?limit=10000`;
/** The open fault reports drawn on the first view (web/src/lib/auth.ts `OPEN_REPORTS_URL`). */
const OPEN_REPORTS_URL = '/api/reports/open.geojson';

/**
 * The web app's page: the built `index.html` with a preload for every GeoJSON the map's first view draws, so
 * the browser fetches them while it downloads and runs the app's script rather than once the map exists. A
 * collection with more features than the tile threshold is drawn from vector tiles and gets none, except the
 * admin areas, whose GeoJSON the offline basemap draws either way. Read again when the build changes.
 */
export function webPage({ db, config }: AppDeps) {
  const file = path.join(config.webDistDir, 'index.html');
  let cached: { mtimeMs: number; head: string; tail: string } | undefined;

  function template() {
    const { mtimeMs } = fs.statSync(file);
    if (cached?.mtimeMs !== mtimeMs) {
      const html = fs.readFileSync(file, 'utf8');
      const at = html.indexOf('</head>');
      cached = { mtimeMs, head: html.slice(0, at).trimEnd(), tail: html.slice(at) };
    }
    return cached;
  }

  return async (c: Context<AppEnv>) => {
    const { head, tail } = template();
    const defs = COLLECTION_IDS.map((id) => COLLECTIONS[id]);
    const small = new Set(await collectionsWithin(db.reader(), defs, config.tileThreshold));
    const urls = [
      ...COLLECTION_IDS.filter((id) => small.has(id) || id === 'admin-areas').map(firstViewItemsUrl),
      OPEN_REPORTS_URL,
    ];
    const links = urls.map((u) => `\n    <link rel="preload" href="${u}" as="fetch" crossorigin="anonymous" />`);
    return c.html(`${head}${links.join('')}\n  ${tail}`, 200, { 'Cache-Control': 'no-cache' });
  };
}
