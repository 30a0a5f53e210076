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

/**
 * The web app's page: the built `index.html` with a preload for every GeoJSON the map's first view draws, so
 * the browser fetches them while it downloads and runs the app's script rather than once the map exists. A
 * collection with more features than the tile threshold is drawn from vector tiles and gets none, except the
 * admin areas, whose GeoJSON the offline basemap draws either way. Read again when the build changes.
 */
export function webPage({ db, config }: AppDeps) {
  const file = path.join(config.webDistDir, 'index.html');
  let cached: { mtimeMs: number; head: string; tail: string } | undefined;

  function template(): { mtimeMs: number; head: string; tail: string } {
    // a build in progress may have removed the file for a moment: the last one read serves meanwhile
    if (cached && !fs.existsSync(file)) return cached;
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
    const { head, tail } = template();
    const links = (await firstViewUrls()).map(
      (u) => `\n    <link rel="preload" href="${u}" as="fetch" crossorigin="anonymous" />`,
    );
    return c.html(`${head}${links.join('')}\n  ${tail}`, 200, { 'Cache-Control': 'no-cache' });
  };
}
