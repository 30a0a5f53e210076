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
});
