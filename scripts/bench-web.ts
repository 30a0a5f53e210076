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

/** Where the floor page lives in the bench's copy of the build (see `prepareBenchDist`). */
const FLOOR_PATH = '/bench-floor/index.html';

/**
 * The floor page's script: MapLibre alone, as its documentation shows it, drawing the app's first view (the same
 * camera, GeoJSON sources, layer types and paint as web/src/map/dataLayers.ts and basemap.ts's offline style)
 * with no app around it and no first-view work of ours: the worker fetches each source once the map exists.
 */
const FLOOR_SCRIPT = `
const sources = {};
for (const id of ['admin-areas', 'update-areas', 'update-lines', 'wifi', 'sculptures', 'signage'])
  sources[id] = { type: 'geojson', data: '/api/collections/' + id + '/items?limit=10000' };
sources['open-reports'] = { type: 'geojson', data: '/api/reports/open.geojson' };
const layers = [
  { id: 'sea', type: 'background', paint: { 'background-color': '#dbe7ef' } },
  { id: 'city-outline', type: 'line', source: 'admin-areas', paint: { 'line-color': '#334155', 'line-width': 5 } },
  { id: 'land', type: 'fill', source: 'admin-areas', paint: { 'fill-color': '#f6f3ec', 'fill-antialias': false } },
  { id: 'admin-areas', type: 'line', source: 'admin-areas',
    paint: { 'line-color': '#6b7280', 'line-width': 1.4, 'line-dasharray': [3, 2] } },
  { id: 'update-areas', type: 'fill', source: 'update-areas', paint: { 'fill-color': '#b45309', 'fill-opacity': 0.07 } },
  { id: 'update-areas-outline', type: 'line', source: 'update-areas', paint: { 'line-color': '#b45309', 'line-width': 2 } },
  { id: 'update-lines', type: 'line', source: 'update-lines', paint: { 'line-color': '#7c3aed', 'line-width': 2.5 } },
];
for (const id of ['wifi', 'sculptures', 'signage', 'open-reports'])
  layers.push({ id, type: 'symbol', source: id,
    layout: { 'icon-image': 'dot', 'icon-allow-overlap': true, 'icon-ignore-placement': true } });
const container = document.getElementById('map');
const map = new maplibregl.Map({ container, style: { version: 8, sources, layers },
  center: [126.66, 37.68], zoom: 10.3, fadeDuration: 0 });
const canvas = document.createElement('canvas');
canvas.width = canvas.height = 44;
const ctx = canvas.getContext('2d');
ctx.fillStyle = '#1d4ed8';
ctx.arc(22, 22, 16, 0, 7);
ctx.fill();
map.addImage('dot', { width: 44, height: 44, data: new Uint8Array(ctx.getImageData(0, 0, 44, 44).data.buffer) },
  { pixelRatio: 2 });
map.once('load', () => map.once('idle', () => {
  performance.mark('map-idle');
  container.dataset.ready = 'true';
}));
`;

/**
 * A copy of the build with the floor page added (MapLibre's own bundle, `FLOOR_SCRIPT`), for a server started
 * with `WEB_DIST_DIR` there; removed by the caller.
 */
export function prepareBenchDist(dir: string): void {
  fs.cpSync(DIST, dir, { recursive: true });
  const floor = path.join(dir, path.dirname(FLOOR_PATH));
  fs.mkdirSync(floor, { recursive: true });
  const maplibre = path.join(ROOT_DIR, 'node_modules', 'maplibre-gl', 'dist');
  for (const f of ['maplibre-gl.js', 'maplibre-gl.css']) fs.copyFileSync(path.join(maplibre, f), path.join(floor, f));
  fs.writeFileSync(path.join(floor, 'floor.js'), FLOOR_SCRIPT);
  fs.writeFileSync(
    path.join(dir, FLOOR_PATH),
    `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>MapLibre floor</title>
<link rel="stylesheet" href="maplibre-gl.css"><script src="maplibre-gl.js"></script></head>
<body style="margin:0"><div id="map" class="map" style="position:absolute;inset:0"></div>
<script src="floor.js"></script></body></html>\n`,
  );
}

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

/** One cold load of `url`: the time of its `map-idle` mark, and the scripts it downloaded. */
async function coldLoad(browser: Browser, url: string) {
  const { page, close } = await coldPage(browser);
  const seen: Promise<{ name: string; sent: number; gz: number }>[] = [];
  page.on('requestfinished', (req) => {
    if (req.resourceType() !== 'script') return;
    seen.push(
      req.sizes().then((s) => {
        const name = new URL(req.url()).pathname.replace(/^\//, '');
        const gzFile = path.join(DIST, `${name}.gz`);
        return { name, sent: s.responseBodySize, gz: fs.existsSync(gzFile) ? fs.statSync(gzFile).size : Number.NaN };
      }),
    );
  });
  try {
    await page.goto(url);
    await page.waitForSelector('.map[data-ready="true"]', { timeout: 60_000 });
    const idle = await page.evaluate(() => performance.getEntriesByName('map-idle')[0]?.startTime ?? Number.NaN);
    return { idle, scripts: await Promise.all(seen) };
  } finally {
    await close();
  }
}

/**
 * Cold loads of the app at `base`, interleaved with cold loads of the floor page (MapLibre alone drawing the same
 * layers, see `prepareBenchDist`): map idle times of both, their ratio, and the JavaScript the app sent.
 */
export async function benchFirstView(base: string, runs: number): Promise<WebRow[]> {
  const browser = await launchBrowser();
  const idle: number[] = [];
  const floorIdle: number[] = [];
  let scripts: { name: string; sent: number; gz: number }[] = [];
  try {
    // the first round warms the server's caches and the machine; it is not counted
    for (let i = 0; i < runs + 1; i++) {
      const order = i % 2 === 0 ? ['app', 'floor'] : ['floor', 'app'];
      for (const which of order) {
        if (which === 'floor') {
          const { idle: t } = await coldLoad(browser, `${base}${FLOOR_PATH}`);
          if (i > 0) floorIdle.push(t);
        } else {
          const r = await coldLoad(browser, base);
          if (i > 0) idle.push(r.idle);
          scripts = r.scripts;
        }
      }
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
      result: `median ${Math.round(quantile(idle, 0.5))} ms = ${(quantile(idle, 0.5) / quantile(floorIdle, 0.5)).toFixed(2)}× MapLibre alone`,
      p50: quantile(idle, 0.5),
      p99: Math.max(...idle),
      notes: `from navigation to MapLibre idle with every sample layer drawn; min ${Math.round(Math.min(...idle))} ms, p99 column = max; headless Chromium, software GL, OSM refused (offline style); target ≤ 1500 ms`,
    },
    {
      area: 'web',
      test: `floor: MapLibre alone, same layers (${runs} cold loads, interleaved)`,
      result: `median ${Math.round(quantile(floorIdle, 0.5))} ms`,
      p50: quantile(floorIdle, 0.5),
      p99: Math.max(...floorIdle),
      notes: `${FLOOR_PATH} of the bench's copy of the build: MapLibre's published bundle alone (no app, no preloads, the worker fetches the GeoJSON) drawing the same sources and layers; min ${Math.round(Math.min(...floorIdle))} ms; what this machine takes to draw the view at all`,
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
