// A collection above the tile threshold is drawn from vector tiles (source-layer = collection id), and the
// text twin, selection and details work the same as with GeoJSON.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, gotoMap, launchBrowser, openPage, type RunningApp, startApp } from './harness.js';

const reason = browserSkipReason();
if (reason) console.warn(`vector-tile browser suite skipped: ${reason}`);

describe.skipIf(reason)('web map with vector-tile layers in Chromium', () => {
  let app: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    // 525 seeded update lines > 100: that layer switches to /api/tiles/update-lines.json.
    app = await startApp({ tileThreshold: 100 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('loads update lines from tiles and lists them in the text twin', { timeout: 150_000 }, async () => {
    const { page, errors, close } = await openPage(browser);
    const tileRequests: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/tiles/')) tileRequests.push(new URL(r.url()).pathname);
    });
    // The first tiles are cut by PostGIS on the fly: allow for a loaded machine.
    await gotoMap(page, `${app.url}#map=13.00/37.70000/126.58000`, 90_000);
    expect(tileRequests).toContain('/api/tiles/update-lines.json');
    expect(tileRequests.some((p) => /^\/api\/tiles\/update-lines\/13\/\d+\/\d+\.mvt$/.test(p))).toBe(true);
    expect(tileRequests.some((p) => p.startsWith('/api/tiles/wifi'))).toBe(false);
    await page.click('#tab-list');
    const lines = page.locator('#panel-list button[data-key^="update-lines:"]');
    await expect.poll(() => lines.count()).toBeGreaterThan(5);
    const key = await lines.first().getAttribute('data-key');
    await lines.first().click();
    await expect.poll(() => page.evaluate(() => decodeURIComponent(location.hash))).toContain(`sel=${key}`);
    await expect.poll(() => page.locator('aside.detail').textContent()).toContain('예시 자료');
    expect(errors).toEqual([]);
    await close();
  });

  it('opens the popup of a tiled line clicked on the map, as with GeoJSON', { timeout: 150_000 }, async () => {
    const { page, errors, close } = await openPage(browser);
    const res = await fetch(new URL('/api/collections/update-lines/items?limit=1', app.url));
    const line = ((await res.json()) as { features: { id: number; geometry: { coordinates: number[][][] } }[] })
      .features[0];
    const [a, b] = line?.geometry.coordinates[0] ?? [];
    if (!line || !a || !b) throw new Error('no seeded update line');
    // the middle of the line's first segment: on the line at any zoom
    const lon = ((a[0] ?? 0) + (b[0] ?? 0)) / 2;
    const lat = ((a[1] ?? 0) + (b[1] ?? 0)) / 2;
    const tiles: string[] = [];
    page.on('request', (r) => {
      if (/\/api\/tiles\/update-lines\/18\//.test(r.url())) tiles.push(r.url());
    });
    await gotoMap(page, `${app.url}#map=18.00/${lat.toFixed(6)}/${lon.toFixed(6)}&layers=update-lines`, 90_000);
    expect(tiles.length).toBeGreaterThan(0);
    const box = (await page.locator('.map-wrap').boundingBox()) ?? { x: 0, y: 0, width: 0, height: 0 };
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect
      .poll(() => page.evaluate(() => decodeURIComponent(location.hash)), { timeout: 20_000 })
      .toContain(`sel=update-lines:${line.id}`);
    await expect.poll(() => page.locator('.maplibregl-popup .gm-popup-title').count()).toBe(1);
    expect(errors).toEqual([]);
    await close();
  });
});
