// A staff member imports the city's Wi-Fi standard CSV (CP949) through the web: upload, preview with the
// first rows, confirm, a finished report, and the layer grows by exactly the Gimpo rows.
import path from 'node:path';
import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../api/src/auth/users.js';
import { browserSkipReason, gotoMap, launchBrowser, type RunningApp, startApp } from './harness.js';

const reason = browserSkipReason();
const PASSWORD = 'import-browser passphrase 7731';
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 200 });

describe.skipIf(reason)('import through the web in Chromium', () => {
  let app: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startApp();
    await addUser(app.backend.db.kysely, { username: 'it-browser', role: 'it', password: PASSWORD });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const wifiCount = async () =>
    (await sql<{ n: number }>`select count(*)::int as n from wifi`.execute(app.backend.db.kysely)).rows[0]?.n ?? 0;

  it('previews the Wi-Fi standard CSV, then loads its 13 Gimpo rows', { timeout: 120_000 }, async () => {
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

    const before = await wifiCount();
    const panel = page.locator('.import-panel');
    await panel.scrollIntoViewIfNeeded();
    await panel.getByLabel('대상 레이어').selectOption('wifi');
    await panel
      .locator('input[type=file]')
      .setInputFiles(path.join(app.backend.config.sharedDataDir, 'fixtures', 'wifi_standard_current_cp949.csv'));
    await panel.locator('input[placeholder="설치시군구명=김포시"]').fill('설치시군구명=김포시');
    await panel.getByRole('button', { name: '미리 보기' }).click();
    const confirm = panel.getByRole('button', { name: '가져오기 실행' });
    await confirm.waitFor({ timeout: 30_000 });
    expect(await wifiCount()).toBe(before); // a preview writes nothing
    await confirm.click();
    await poll(() => wifiCount()).toBe(before + 13);
    // the progress bar shows while the job runs (too briefly to catch for 13 rows); then the report says it is done
    await poll(() => panel.locator('.report').textContent()).toContain('가져오기를 마쳤습니다.');
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
