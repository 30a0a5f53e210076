/**
 * The web section of `npm run bench`: what a visitor's browser does, measured in Debian's headless Chromium.
 *
 * - first view: N cold loads (a new browser context each: empty cache) of the app on the embedded sample data, the
 *   OpenStreetMap tiles refused as offline (as in the browser tests, so no network decides the figure); the time
 *   from navigation to the map's `idle` with every sample layer drawn (`performance.mark('map-idle')`), and the
 *   JavaScript transferred before it (as sent, Brotli, and the same files gzipped).
 * - panning: the app on the national-scale bench data (100,000 Wi-Fi points and 50,000 lines through vector
 *   tiles), dragged with the mouse at a national and a city zoom while a `requestAnimationFrame` loop records
 *   frame times; the same drags with the Wi-Fi layer hidden give the baseline of the machine's software GL.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT_DIR } from '../api/src/config.js';
import { CHROMIUM, launchBrowser } from '../tests/browser/harness.js';

/** One row of the bench table (the shape scripts/bench.ts prints). */
export interface WebRow {
  area: string;
  test: string;
  result: string;
  p50?: number;
  p99?: number;
  notes?: string;
}

const DIST = path.join(ROOT_DIR, 'web', 'dist');

/** Why the web section cannot run here, or '' when it can. */
export function webSkipReason(): string {
  if (!fs.existsSync(CHROMIUM)) return `${CHROMIUM} missing (apt-get install chromium)`;
  if (!fs.existsSync(path.join(DIST, 'index.html'))) return 'web/dist missing: run npm run build:web';
  return '';
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

/** A fresh page (its own context, so its own empty cache) with OpenStreetMap refused as when offline. */
async function coldPage(browser: Browser): Promise<{ page: Page; close: () => Promise<void> }> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ko-KR' });
  const page = await ctx.newPage();
  await page.route('https://tile.openstreetmap.org/**', (route) => route.abort('internetdisconnected'));
  return { page, close: () => ctx.close() };
}

/** Cold loads of `base`: map idle times and the JavaScript sent before it. */
export async function benchFirstView(base: string, runs: number): Promise<WebRow[]> {
  const browser = await launchBrowser();
  const idle: number[] = [];
  let scripts: { name: string; sent: number; gz: number }[] = [];
  try {
    for (let i = 0; i < runs + 1; i++) {
      const { page, close } = await coldPage(browser);
      const seen: Promise<{ name: string; sent: number; gz: number }>[] = [];
      page.on('requestfinished', (req) => {
        if (req.resourceType() !== 'script') return;
        seen.push(
          req.sizes().then((s) => {
            const name = new URL(req.url()).pathname.replace(/^\//, '');
            const gzFile = path.join(DIST, `${name}.gz`);
            return {
              name,
              sent: s.responseBodySize,
              gz: fs.existsSync(gzFile) ? fs.statSync(gzFile).size : Number.NaN,
            };
          }),
        );
      });
      await page.goto(base);
      await page.waitForSelector('.map[data-ready="true"]', { timeout: 60_000 });
      const t = await page.evaluate(() => performance.getEntriesByName('map-idle')[0]?.startTime ?? Number.NaN);
      // the first load warms the server's caches and the machine; it is not counted
      if (i > 0) idle.push(t);
      scripts = await Promise.all(seen);
      await close();
    }
  } finally {
    await browser.close();
  }
  const sent = scripts.reduce((a, s) => a + s.sent, 0);
  const gz = scripts.reduce((a, s) => a + s.gz, 0);
  return [
    {
      area: 'web',
      test: `map idle, first view, sample data (${runs} cold loads, 1280×800)`,
      result: `median ${Math.round(quantile(idle, 0.5))} ms`,
      p50: quantile(idle, 0.5),
      p99: Math.max(...idle),
      notes: `from navigation to MapLibre idle with every sample layer drawn; min ${Math.round(Math.min(...idle))} ms, p99 column = max; headless Chromium, software GL, OSM refused (offline style); target ≤ 1500 ms`,
    },
    {
      area: 'web',
      test: `JavaScript of the first view (${scripts.length} files)`,
      result: `${(gz / 1024).toFixed(0)} KB gzipped`,
      notes: `${(sent / 1024).toFixed(0)} KB as sent (Brotli); ${scripts.map((s) => s.name.replace('assets/', '')).join(', ')}; MapLibre's worker is built from the main bundle (blob:), no second download; target ≤ 350 KB gz`,
    },
  ];
}

/** Frame times (ms between animation frames) while the mouse drags the map `drags` times. */
async function dragFrames(page: Page, drags: number): Promise<number[]> {
  // a string, not a function: tsx would wrap a named inner function in a helper the page does not have
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__recording = true;
    let last = performance.now();
    function tick(now) {
      window.__frames.push(now - last);
      last = now;
      if (window.__recording) requestAnimationFrame(tick);
    }
    requestAnimationFrame(tick);
  })()`);
  const box = (await page.locator('.map canvas').boundingBox()) ?? { x: 0, y: 0, width: 800, height: 600 };
  const cx = box.x + box.width * 0.6;
  const cy = box.y + box.height / 2;
  for (let i = 0; i < drags; i++) {
    const dx = (i % 2 === 0 ? 1 : -1) * 260;
    const dy = (i % 4 < 2 ? 1 : -1) * 120;
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx + dx, cy + dy, { steps: 24 });
    await page.mouse.up();
  }
  await page.waitForTimeout(300);
  return page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__recording = false;
    return w.__frames.slice(1);
  });
}

/** Panning over the national-scale data through tiles, against the same pans without the Wi-Fi layer. */
export async function benchPan(base: string): Promise<WebRow[]> {
  const browser = await launchBrowser();
  const rows: WebRow[] = [];
  const views = [
    { label: 'national view (z7, all 100,000 points in range)', hash: 'map=7.00/36.40000/127.80000' },
    { label: 'Gimpo (z12, the city’s 2,000 points)', hash: 'map=12.00/37.64000/126.65000' },
  ];
  const all = 'admin-areas,update-areas,update-lines,wifi,sculptures,signage';
  const noWifi = 'admin-areas,update-areas,update-lines,sculptures,signage';
  try {
    for (const v of views) {
      const frames: Record<'with' | 'without', number[]> = { with: [], without: [] };
      let wifiTiles = 0;
      for (const [kind, layers] of [
        ['with', all],
        ['without', noWifi],
      ] as const) {
        const { page, close } = await coldPage(browser);
        page.on('requestfinished', (r) => {
          if (r.url().includes('/api/tiles/wifi/')) wifiTiles += 1;
        });
        await page.goto(`${base}/#${v.hash}&layers=${layers}`);
        await page.waitForSelector('.map[data-ready="true"]', { timeout: 90_000 });
        frames[kind] = await dragFrames(page, 8);
        await close();
      }
      const { with: w, without: wo } = frames;
      const fps = (xs: number[]) => (1000 / quantile(xs, 0.5)).toFixed(0);
      rows.push({
        area: 'web',
        test: `pan, ${v.label}`,
        result: `${fps(w)} fps median (${fps(wo)} without Wi-Fi)`,
        p50: quantile(w, 0.5),
        p99: quantile(w, 0.99),
        notes: `frame ms with Wi-Fi p50 ${quantile(w, 0.5).toFixed(0)} / p95 ${quantile(w, 0.95).toFixed(0)} / max ${Math.max(...w).toFixed(0)}; without p50 ${quantile(wo, 0.5).toFixed(0)} / p95 ${quantile(wo, 0.95).toFixed(0)} / max ${Math.max(...wo).toFixed(0)}; ${wifiTiles} Wi-Fi tiles loaded; 8 mouse drags of 24 steps; software GL`,
      });
    }
  } finally {
    await browser.close();
  }
  return rows;
}
