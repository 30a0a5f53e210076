// Real Debian Chromium (playwright-core) against the real app served in-process over a seeded PGlite copy.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { type Config, ROOT_DIR } from '../../api/src/config.js';
import { openBackend, type TestBackend } from '../support/backends.js';
import { REQUIRE_BROWSER } from '../support/env.js';

/** Debian's Chromium; never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';
/** Where screenshots and measurements go (gitignored). */
export const ARTIFACTS = path.join(ROOT_DIR, 'tests', 'artifacts');

/** Why the browser suite cannot run here ('' when it can); with REQUIRE_BROWSER=1 a missing browser fails. */
export function browserSkipReason(): string {
  if (fs.existsSync(CHROMIUM)) return '';
  if (REQUIRE_BROWSER) throw new Error(`REQUIRE_BROWSER=1 but ${CHROMIUM} is missing`);
  return `${CHROMIUM} is missing (apt-get install chromium); set REQUIRE_BROWSER=1 to make this a failure`;
}

/** The app listening on a free loopback port, with its database. */
export interface RunningApp {
  backend: TestBackend;
  url: string;
  close(): Promise<void>;
}

/** Builds web/dist when it is missing (npm test builds it first anyway). */
export function ensureWebBuilt(): void {
  if (!fs.existsSync(path.join(ROOT_DIR, 'web', 'dist', 'index.html'))) {
    execSync('npm run build:web --silent', { cwd: ROOT_DIR, stdio: 'inherit' });
  }
}

/** Serves the real app (API + built web app) over a private copy of the seeded PGlite database. */
export async function startApp(overrides: Partial<Config> = {}): Promise<RunningApp> {
  ensureWebBuilt();
  const backend = await openBackend('pglite', overrides);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: backend.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    backend,
    url: `http://127.0.0.1:${port}/`,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await backend.close();
    },
  };
}

/** Launches headless Chromium with the flags the project uses. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A 1×1 PNG, served in place of OpenStreetMap tiles when a test wants the online basemap. */
const TILE_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** A new page with its own context; OSM tiles fail (no network here) unless `osm: 'serve'`. */
export async function openPage(
  browser: Browser,
  opts: BrowserContextOptions & { osm?: 'fail' | 'serve' } = {},
): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const { osm = 'fail', ...ctxOpts } = opts;
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ko-KR', ...ctxOpts });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.route('https://tile.openstreetmap.org/**', (route) =>
    osm === 'serve'
      ? route.fulfill({ status: 200, contentType: 'image/png', body: TILE_PNG })
      : route.abort('internetdisconnected'),
  );
  return { page, errors, close: () => ctx.close() };
}

/** Navigates and waits until the map has drawn every layer once (`data-ready` on the map). */
export async function gotoMap(page: Page, url: string, timeout = 45_000): Promise<number> {
  await page.goto(url);
  await page.waitForSelector('.map[data-ready="true"]', { timeout });
  return page.evaluate(() => performance.getEntriesByName('map-idle')[0]?.startTime ?? Number.NaN);
}
