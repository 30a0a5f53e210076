// A staff member imports the city's Wi-Fi standard CSV (CP949) through the web: upload, preview with the
// first rows drawn on the map, confirm, a finished report, and the layer grows by exactly the Gimpo rows;
// a 20,000-row file shows the progress bar while it loads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../api/src/auth/users.js';
import { generateWifiCsv } from '../../scripts/gen-wifi-csv.js';
import { browserSkipReason, gotoMap, launchBrowser, type RunningApp, startApp } from './harness.js';

const reason = browserSkipReason();
const PASSWORD = 'import-browser passphrase 7731';
const poll = <T>(fn: () => T | Promise<T>, timeout = 30_000) => expect.poll(fn, { timeout, interval: 200 });

/**
 * Pixels of the map drawn in the import preview's colour (#0891b2, web/src/map/dataLayers.ts): a
 * screenshot of the map canvas, counted in the page (no other layer uses that cyan).
 */
async function previewPixels(page: Page): Promise<number> {
  const png = await page.locator('.map .maplibregl-canvas').screenshot();
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs((d[i] as number) - 0x08) < 24 && Math.abs((d[i + 1] as number) - 0x91) < 24) {
        if (Math.abs((d[i + 2] as number) - 0xb2) < 24) n++;
      }
    }
    return n;
  }, png.toString('base64'));
}

describe.skipIf(reason)('import through the web in Chromium', () => {
  let app: RunningApp;
  let browser: Browser;
  let tmp: string;

  beforeAll(async () => {
    app = await startApp();
    await addUser(app.backend.db.kysely, { username: 'it-browser', role: 'it', password: PASSWORD });
    browser = await launchBrowser();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gimpo-import-browser-'));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const wifiCount = async () =>
    (await sql<{ n: number }>`select count(*)::int as n from wifi`.execute(app.backend.db.kysely)).rows[0]?.n ?? 0;

  /** A signed-in staff page on the map, with the import panel in view. */
  async function signedIn() {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ko-KR' });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route('https://**', (route) => route.abort('internetdisconnected'));
    await gotoMap(page, `${app.url}#map=11.00/37.65000/126.65000`);
    await page.click('#staff-toggle');
    await page.fill('#staff-panel input[name=username]', 'it-browser');
    await page.fill('#staff-panel input[name=password]', PASSWORD);
    await page.click('#staff-panel button[type=submit]');
    await poll(() => page.locator('#staff-panel .login').textContent()).toContain('it-browser');
    const panel = page.locator('.import-panel');
    await panel.scrollIntoViewIfNeeded();
    await panel.getByLabel('대상 레이어').selectOption('wifi');
    return { ctx, page, panel, errors };
  }

  it('previews the Wi-Fi standard CSV on the map, then loads its 13 Gimpo rows', { timeout: 120_000 }, async () => {
    const { ctx, page, panel, errors } = await signedIn();
    const before = await wifiCount();
    const uploads: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/imports?')) uploads.push(r.headers()['content-type'] ?? '');
    });
    expect(await previewPixels(page)).toBeLessThan(20);
    await panel
      .locator('input[type=file]')
      .setInputFiles(path.join(app.backend.config.sharedDataDir, 'fixtures', 'wifi_standard_current_cp949.csv'));
    await panel.locator('input[placeholder="설치시군구명=김포시"]').fill('설치시군구명=김포시');
    await panel.getByRole('button', { name: '미리 보기' }).click();
    const confirm = panel.getByRole('button', { name: '가져오기 실행' });
    await confirm.waitFor({ timeout: 30_000 });
    expect(await wifiCount()).toBe(before); // a preview writes nothing
    // one file goes as the body itself (streamed to disk by the server), not as a buffered form
    expect(uploads).toEqual(['application/octet-stream']);
    // the 13 previewed sites are drawn on the map (cyan circles of radius 6: ~100 pixels each)
    await poll(() => previewPixels(page)).toBeGreaterThan(13 * 40);
    await confirm.click();
    await poll(() => wifiCount()).toBe(before + 13);
    await poll(() => panel.locator('.report').textContent()).toContain('가져오기를 마쳤습니다.');
    // loaded: the preview overlay is cleared (the layer itself now shows the sites)
    await poll(() => previewPixels(page)).toBeLessThan(20);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('shows a progress bar while a 20,000-row file loads', { timeout: 300_000 }, async () => {
    const file = path.join(tmp, 'wifi_20000.csv');
    await generateWifiCsv(file, 20_000, 3);
    const { ctx, page, panel, errors } = await signedIn();
    const before = await wifiCount();
    await panel.locator('input[type=file]').setInputFiles(file);
    await panel.getByRole('button', { name: '미리 보기' }).click();
    const confirm = panel.getByRole('button', { name: '가져오기 실행' });
    await confirm.waitFor({ timeout: 120_000 });
    expect(await panel.locator('.report').textContent()).toMatch(/읽음 20000 .*정상 20000/);
    await poll(() => previewPixels(page)).toBeGreaterThan(1000); // the first 100 rows
    await confirm.click();
    const bar = panel.locator('progress');
    await bar.waitFor({ state: 'visible', timeout: 30_000 });
    expect(Number(await bar.getAttribute('max'))).toBe(100);
    await expect
      .poll(() => panel.getByText(/행 · \d+%/).textContent(), { timeout: 30_000, interval: 100 })
      .toMatch(/^[\d,]+ 행 · \d+%$/);
    await poll(() => wifiCount(), 180_000).toBe(before + 20_000);
    await poll(() => panel.locator('.report').textContent(), 60_000).toContain('가져오기를 마쳤습니다.');
    expect(await bar.count()).toBe(0);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
