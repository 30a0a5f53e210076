// The web map driven as a user would — mouse, keyboard, touch-sized viewport — in real Chromium against the
// real app over a seeded PGlite copy. Screenshots land in tests/artifacts/ (gitignored).
import fs from 'node:fs';
import path from 'node:path';
import area from '@turf/area';
import length from '@turf/length';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  browserSkipReason,
  gotoMap,
  launchBrowser,
  openPage,
  type RunningApp,
  startApp,
} from './harness.js';

const reason = browserSkipReason();
if (reason) console.warn(`web map browser suite skipped: ${reason}`);
const XSS_NAME = '<img src=x onerror=alert(1)>';

describe.skipIf(reason)('web map in Chromium', () => {
  let app: RunningApp;
  let browser: Browser;
  let xssId = 0;
  const metrics: Record<string, number> = {};

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    app = await startApp();
    const row = await sql<{ id: number }>`
      insert into sculptures (name, kind, address, emd, source, verified, geom)
      values (${XSS_NAME}, 'character', ${'<b>주소</b>'}, '장기동', 'browser test fixture', false,
              ST_SetSRID(ST_MakePoint(126.7, 37.64), 4326))
      returning id`.execute(app.backend.db.kysely);
    xssId = row.rows[0]!.id;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (Object.keys(metrics).length)
      fs.writeFileSync(path.join(ARTIFACTS, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  });

  const hash = (page: Page) => page.evaluate(() => decodeURIComponent(location.hash));
  const tab = async (page: Page, id: string) => {
    await page.click(`#tab-${id}`);
    await page.waitForSelector(`#panel-${id}:not([hidden])`);
  };

  it('renders the map canvas, the legend with counts, and falls back to the offline basemap', async () => {
    const { page, errors, close } = await openPage(browser);
    const apiCalls: string[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/api/')) apiCalls.push(`${u.pathname}${u.search}`);
    });
    const idle = await gotoMap(page, app.url);
    metrics.mapIdleMs = Math.round(idle); // measured, reported by the bench; only a hang guard here
    expect(idle).toBeLessThan(90_000);
    // the first view asks for each thing once: configuration, counts and every layer's GeoJSON come from
    // index.html's preloads (the page hands them to MapLibre), the admin areas serve the offline land and their
    // own layer, and nothing is fetched twice
    const count = (p: string) => apiCalls.filter((c) => c === p).length;
    expect(count('/api/client-config')).toBe(1);
    expect(count('/api/collections')).toBe(1);
    for (const id of ['admin-areas', 'update-areas', 'update-lines', 'wifi', 'sculptures', 'signage'])
      expect(count(`/api/collections/${id}/items?limit=10000`), id).toBe(1);
    expect(count('/api/reports/open.geojson')).toBe(1);
    expect(new Set(apiCalls).size).toBe(apiCalls.length);
    expect(await page.locator('.maplibregl-canvas').count()).toBe(1);
    await expect.poll(() => page.locator('#panel-layers label').count()).toBe(6);
    const label = (id: string) => page.locator('label', { has: page.locator(`input[data-layer="${id}"]`) });
    // name, the demo/sample mark once the first view is drawn (12 of the 14 Wi-Fi sites are samples; every
    // update line is generated), then the count
    await expect.poll(() => label('wifi').textContent()).toMatch(/공공와이파이\s*◇\s*예시 자료 12개\s*14개/);
    await expect.poll(() => label('update-lines').textContent()).toMatch(/예시 자료 525개\s*525개/);
    expect(await label('sculptures').textContent()).not.toContain('예시');
    await expect.poll(() => page.getByText('배경지도를 불러올 수 없어').count(), { timeout: 6000 }).toBe(1);
    expect(await page.locator('.maplibregl-ctrl-zoom-in').getAttribute('aria-label')).toBe('확대');
    expect(await page.locator('.maplibregl-ctrl-scale').count()).toBe(1);
    expect(await page.locator('.maplibregl-ctrl-geolocate').count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'desktop.png') });
    expect(errors).toEqual([]);
    await close();
  });

  it('shows OpenStreetMap with its attribution when tiles load', async () => {
    const { page, close } = await openPage(browser, { osm: 'serve' });
    await gotoMap(page, app.url);
    await expect.poll(() => page.locator('.maplibregl-ctrl-attrib').textContent()).toContain('OpenStreetMap');
    await page.waitForTimeout(4500);
    expect(await page.getByText('배경지도를 불러올 수 없어').count()).toBe(0);
    await close();
  });

  it('toggling a layer removes its features from the text twin', async () => {
    const { page, close } = await openPage(browser);
    await gotoMap(page, `${app.url}#map=11.00/37.64000/126.66000`);
    await tab(page, 'list');
    const wifiItems = page.locator('#panel-list button[data-key^="wifi:"]');
    await expect.poll(() => wifiItems.count()).toBeGreaterThan(5);
    const firstKey = await wifiItems.first().getAttribute('data-key');
    await wifiItems.first().focus();
    await expect.poll(() => page.getAttribute('.map', 'data-focus')).toBe(firstKey);
    await page.keyboard.press('Tab');
    await expect.poll(() => page.getAttribute('.map', 'data-focus')).not.toBe(firstKey);
    await tab(page, 'layers');
    await page.focus('input[data-layer="wifi"]');
    await page.keyboard.press('Space');
    expect(await page.isChecked('input[data-layer="wifi"]')).toBe(false);
    await tab(page, 'list');
    await expect.poll(() => wifiItems.count()).toBe(0);
    expect(await page.locator('#panel-list button[data-key^="signage:"]').count()).toBeGreaterThan(0);
    expect(await hash(page)).not.toMatch(/layers=[^&]*wifi/);
    await close();
  });

  it('opens a popup and details with escaped text, the unverified mark and provenance', async () => {
    const { page, errors, close } = await openPage(browser);
    await gotoMap(page, `${app.url}#map=17.00/37.64000/126.70000&layers=sculptures`);
    const box = (await page.locator('.map-wrap').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const title = page.locator('.maplibregl-popup .gm-popup-title');
    await expect.poll(() => title.textContent()).toBe(XSS_NAME);
    expect(await page.locator('.maplibregl-popup img, aside.detail img').count()).toBe(0);
    await expect.poll(() => page.locator('#detail-title').textContent()).toBe(XSS_NAME);
    const detail = page.locator('aside.detail');
    expect(await detail.textContent()).toContain('위치 미확인');
    expect(await detail.textContent()).toContain('<b>주소</b>');
    expect(await detail.textContent()).toContain('browser test fixture');
    expect(
      (await detail.locator('th', { hasText: '데이터기준일자' }).count()) +
        (await detail.locator('dt', { hasText: '데이터기준일자' }).count()),
    ).toBe(1);
    expect(await hash(page)).toContain(`sel=sculptures:${xssId}`);
    await page.click('.gm-popup-detail');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('detail-title');
    expect(errors).toEqual([]);
    await close();
  });

  it('finds the nearest Wi-Fi from the device location, in distance order', async () => {
    const here = { longitude: 126.7, latitude: 37.62 };
    const { page, close } = await openPage(browser, { geolocation: here, permissions: ['geolocation'] });
    await gotoMap(page, app.url);
    await tab(page, 'wifi');
    await page.getByRole('button', { name: '내 위치에서 찾기' }).click();
    const rows = page.locator('#panel-wifi ol button');
    await expect.poll(() => rows.count()).toBe(5);
    const distances = (await rows.evaluateAll((els) =>
      els.map((e) => Number(e.getAttribute('data-distance'))),
    )) as number[];
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    const api = (await (
      await app.backend.request(`/api/wifi/nearest?lon=${here.longitude}&lat=${here.latitude}&limit=5`)
    ).json()) as {
      features: { properties: { name: string } }[];
    };
    const names = await rows.locator('.name').allTextContents();
    expect(names).toEqual(api.features.map((f) => f.properties.name));
    expect(await page.locator('#panel-wifi').textContent()).toContain('SSID');
    // A tapped point: the pick button arms the map, the next click searches from there.
    const pick = page.getByRole('button', { name: '지도에서 지점 선택' });
    await pick.click();
    expect(await pick.getAttribute('aria-pressed')).toBe('true');
    const box = (await page.locator('.map-wrap').boundingBox())!;
    await page.mouse.click(box.x + box.width - 200, box.y + 150);
    await expect.poll(() => pick.getAttribute('aria-pressed')).toBe('false');
    await expect.poll(async () => (await rows.locator('.name').allTextContents()).join()).not.toBe(names.join());
    const picked = (await rows.evaluateAll((els) =>
      els.map((e) => Number(e.getAttribute('data-distance'))),
    )) as number[];
    expect(picked).toEqual([...picked].sort((a, b) => a - b));
    await rows.first().click();
    await expect
      .poll(() => page.locator('#detail-title').textContent())
      .toBe(await rows.first().locator('.name').textContent());
    await close();
  });

  it('ledger shows 24.085 km for the 2024 road project, matching Turf in the browser', async () => {
    const { page, close } = await openPage(browser);
    await gotoMap(page, app.url);
    await tab(page, 'ledger');
    const road = page.locator('[data-project="1"]');
    await expect.poll(() => road.locator('[data-target]').textContent(), { timeout: 15_000 }).toBe('24.085');
    expect(await road.textContent()).toContain('2024 도로 시설물');
    const checks = page.locator('#panel-ledger .check');
    await expect.poll(() => checks.count()).toBe(5);
    expect(await checks.evaluateAll((els) => els.map((e) => e.getAttribute('data-match')))).toEqual(
      Array(5).fill('true'),
    );
    expect(await page.locator('#panel-ledger svg[role="img"] rect').count()).toBeGreaterThan(4);
    const before = await hash(page);
    await road.locator('button.name').click();
    await expect.poll(() => hash(page)).not.toBe(before);
    await page.waitForTimeout(600);
    await page.screenshot({ path: path.join(ARTIFACTS, 'desktop-ledger.png') });
    await close();
  });

  it('PR locator filters by kind and 읍면동 and jumps to a facility', async () => {
    const { page, close } = await openPage(browser);
    await gotoMap(page, app.url);
    await tab(page, 'locator');
    const rows = page.locator('#panel-locator tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(10);
    await page.selectOption('#locator-kind', 'smart-board');
    const smart = await rows.count();
    expect(smart).toBeGreaterThan(5);
    await page.selectOption('#locator-emd', '사우동');
    await expect.poll(() => rows.count()).toBeLessThan(smart);
    expect(await rows.count()).toBeGreaterThan(0);
    for (const text of await rows.allTextContents()) expect(text).toContain('사우동');
    const name = await rows.first().locator('.name').textContent();
    await rows.first().getByRole('button').click();
    await expect.poll(() => page.locator('#detail-title').textContent()).toBe(name);
    await close();
  });

  it('searches by keyboard only (combobox and listbox)', async () => {
    const { page, close } = await openPage(browser);
    await gotoMap(page, app.url);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search-input');
    await page.keyboard.type('태산패밀리');
    await expect.poll(() => page.locator('#search-listbox [role="option"][id]').count()).toBeGreaterThan(0);
    expect(await page.getAttribute('#search-input', 'aria-expanded')).toBe('true');
    await page.keyboard.press('ArrowDown');
    expect(await page.getAttribute('#search-input', 'aria-activedescendant')).toBe('search-opt-0');
    const first = await page.locator('#search-opt-0 .title').textContent();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#detail-title').textContent()).toBe(first);
    expect(first).toContain('태산패밀리파크');
    expect(await hash(page)).toMatch(/sel=[a-z-]+:\d+/);
    await close();
  });

  it('switches to English, sets <html lang>, and restores it from the URL', async () => {
    const { page, close } = await openPage(browser);
    await gotoMap(page, app.url);
    expect(await page.getAttribute('html', 'lang')).toBe('ko');
    await page.click('button.lang');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('#tab-layers')).toBe('Layers');
    expect(await page.locator('.maplibregl-ctrl-zoom-in').getAttribute('aria-label')).toBe('Zoom in');
    expect(await hash(page)).toContain('lang=en');
    await page.reload();
    await page.waitForSelector('.map[data-ready="true"]');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('#layers-title')).toBe('Layers and legend');
    await tab(page, 'ledger');
    await page.waitForSelector('#panel-ledger .check');
    await page.screenshot({ path: path.join(ARTIFACTS, 'desktop-en.png') });
    await close();
  });

  it('restores position, layers and the selected feature from a shared URL', async () => {
    const { page, close } = await openPage(browser);
    await gotoMap(page, `${app.url}#map=14.00/37.61530/126.71560&layers=signage,wifi&sel=signage:1`);
    expect(await page.isChecked('input[data-layer="signage"]')).toBe(true);
    expect(await page.isChecked('input[data-layer="wifi"]')).toBe(true);
    expect(await page.isChecked('input[data-layer="sculptures"]')).toBe(false);
    await expect.poll(() => page.locator('#detail-title').textContent()).toBe('본청 LED 전광판');
    await expect.poll(() => page.locator('.maplibregl-popup .gm-popup-title').textContent()).toBe('본청 LED 전광판');
    const h = await hash(page);
    expect(h).toContain('map=14.00/37.61530/126.71560');
    expect(h).toContain('sel=signage:1');
    await close();
  });

  it('marks a sample feature as demo/sample data in its popup details, and not a site the plan names', async () => {
    const wifi = await sql<{ id: number; name: string; demo: boolean; lon: number; lat: number }>`
      select id, name, demo, ST_X(geom) as lon, ST_Y(geom) as lat from wifi
      where key in ('wifi-sample-cityhall', 'wifi-taesan-family-park') order by demo desc`.execute(
      app.backend.db.kysely,
    );
    const [sample, planned] = wifi.rows;
    expect(sample?.demo).toBe(true);
    expect(planned?.demo).toBe(false);
    const { page, close } = await openPage(browser);
    const at = (f: { id: number; lon: number; lat: number }) =>
      `#map=16.00/${f.lat.toFixed(5)}/${f.lon.toFixed(5)}&layers=wifi&sel=wifi:${f.id}`;
    await gotoMap(page, `${app.url}${at(sample!)}`);
    await expect.poll(() => page.locator('#detail-title').textContent()).toBe(sample!.name);
    await expect.poll(() => page.locator('.maplibregl-popup .gm-popup-title').textContent()).toBe(sample!.name);
    const mark = page.locator('aside.detail .mark.demo');
    expect(await mark.count()).toBe(1);
    expect(await mark.textContent()).toContain('예시 자료');
    expect(await mark.getAttribute('title')).toBe('실제 조사 자료가 아닌 예시입니다');
    await close();
    const second = await openPage(browser);
    await gotoMap(second.page, `${app.url}${at(planned!)}`);
    await expect.poll(() => second.page.locator('#detail-title').textContent()).toBe(planned!.name);
    expect(await second.page.locator('aside.detail .mark.demo').count()).toBe(0);
    expect(await second.page.locator('aside.detail .mark.unverified').count()).toBe(1);
    await second.close();
  });

  it('measures a known length and area by keyboard, and Escape cancels', async () => {
    const { page, close } = await openPage(browser);
    await gotoMap(page, `${app.url}#map=15.00/37.60000/126.70000`);
    await tab(page, 'measure');
    await page.getByRole('button', { name: '측정 시작' }).click();
    const add = page.getByRole('button', { name: '지도 중심에 점 추가' });
    await add.focus();
    await page.keyboard.press('Enter');
    await page.evaluate(() => {
      location.hash = '#map=15.00/37.60000/126.71000';
    });
    await expect
      .poll(() => page.getAttribute('.map', 'data-view'), { timeout: 10_000 })
      .toBe('15.00/37.60000/126.71000');
    await add.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: '측정 완료' }).focus();
    await page.keyboard.press('Enter');
    const result = page.locator('#panel-measure .result.final');
    await expect.poll(() => result.count()).toBe(1);
    const expected = length(
      {
        type: 'Feature',
        properties: {},
        geometry: {
          type: 'LineString',
          coordinates: [
            [126.7, 37.6],
            [126.71, 37.6],
          ],
        },
      },
      { units: 'meters' },
    );
    const shown = Number(await result.getAttribute('data-length-m'));
    expect(Math.abs(shown - expected)).toBeLessThan(1);
    expect(await result.textContent()).toContain(
      `길이: ${expected.toLocaleString('ko-KR', { maximumFractionDigits: 1 })} m`,
    );
    await page.getByRole('button', { name: '측정 시작' }).click();
    await add.focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('#panel-measure .result').count()).toBe(1);
    await page.keyboard.press('Escape');
    expect(await page.locator('#panel-measure .result').count()).toBe(0);
    expect(await page.getByRole('button', { name: '측정 시작' }).count()).toBe(1);

    // A polygon: three corners reached by moving the map (keyboard path: add the centre each time).
    await page.getByRole('radio', { name: '면적' }).check();
    await page.getByRole('button', { name: '측정 시작' }).click();
    const corners = [
      [126.7, 37.6],
      [126.71, 37.6],
      [126.71, 37.61],
    ] as const;
    for (const [lng, lat] of corners) {
      await page.evaluate(
        (h) => {
          location.hash = h;
        },
        `#map=15.00/${lat.toFixed(5)}/${lng.toFixed(5)}`,
      );
      await expect
        .poll(() => page.getAttribute('.map', 'data-view'), { timeout: 10_000 })
        .toBe(`15.00/${lat.toFixed(5)}/${lng.toFixed(5)}`);
      await add.focus();
      await page.keyboard.press('Enter');
    }
    await page.getByRole('button', { name: '측정 완료' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => result.count()).toBe(1);
    const ring = [...corners, corners[0]].map((c) => [...c]);
    const expectedArea = area({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } });
    expect(Math.abs(Number(await result.getAttribute('data-area-m2')) - expectedArea)).toBeLessThan(1);
    expect(await result.textContent()).toContain(`면적: ${Math.round(expectedArea).toLocaleString('ko-KR')} m²`);
    await close();
  });

  it('exports what is in view as CSV with a BOM and as GeoJSON', async () => {
    const { page, close } = await openPage(browser, { acceptDownloads: true });
    await gotoMap(page, `${app.url}#map=13.00/37.62000/126.71000&layers=signage,wifi`);
    await tab(page, 'list');
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'CSV 저장' }).first().click(),
    ]);
    const text = fs.readFileSync((await csv.path())!, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.slice(1).split('\r\n')[0]).toMatch(/^id,geometry_type,lon,lat,collection,/);
    expect(text).toContain('본청 LED 전광판');
    const [gj] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'GeoJSON 저장' }).first().click(),
    ]);
    const fc = JSON.parse(fs.readFileSync((await gj.path())!, 'utf8')) as {
      features: { properties: { collection: string } }[];
    };
    expect(fc.features.length).toBeGreaterThan(0);
    expect(new Set(fc.features.map((f) => f.properties.collection))).toEqual(new Set(['signage', 'wifi']));
    await close();
  });

  it('has no serious or critical axe violations (desktop and phone) and every control has an accessible name', async () => {
    // bypassCSP only so axe can be injected; the app itself runs under its CSP in every other test.
    const { page, close } = await openPage(browser, { bypassCSP: true });
    await gotoMap(page, `${app.url}#sel=wifi:1`);
    await expect.poll(() => page.locator('#detail-title').textContent()).not.toBe('불러오는 중…');
    for (const id of ['list', 'wifi', 'ledger', 'locator', 'measure', 'layers']) await tab(page, id);
    await page.waitForSelector('#panel-ledger .check', { state: 'attached' });
    const violations: string[] = [];
    const cdp = await page.context().newCDPSession(page);
    /** Roles of interactive accessibility nodes that have no name (and how many controls were seen). */
    const unnamedControls = async () => {
      const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
        nodes: { ignored: boolean; role?: { value: string }; name?: { value: string } }[];
      };
      const controls = new Set([
        'button',
        'checkbox',
        'combobox',
        'textbox',
        'searchbox',
        'tab',
        'link',
        'radio',
        'listbox',
        'slider',
        'menuitem',
        'switch',
        'spinbutton',
      ]);
      const interactive = nodes.filter((n) => !n.ignored && controls.has(n.role?.value ?? ''));
      return {
        seen: interactive.length,
        unnamed: interactive.filter((n) => !(n.name?.value ?? '').trim()).map((n) => n.role?.value),
      };
    };
    const desktop = await unnamedControls();
    expect(desktop.seen).toBeGreaterThan(20);
    expect(desktop.unnamed).toEqual([]);

    const runs: [string, { width: number; height: number }][] = [
      ['layers', { width: 1280, height: 800 }],
      ['ledger', { width: 1280, height: 800 }],
      ['locator', { width: 1280, height: 800 }],
      ['wifi', { width: 390, height: 844 }],
      ['measure', { width: 390, height: 844 }],
    ];
    for (const [id, viewport] of runs) {
      if (viewport.width < 700 && (await page.locator('aside.detail').count())) {
        // On a phone the details are a sheet over the tools: close it to reach the tabs.
        await page.setViewportSize(viewport);
        await page.locator('aside.detail button.close').click();
      }
      await page.setViewportSize(viewport);
      await tab(page, id);
      await page.addScriptTag({ path: path.resolve('node_modules/axe-core/axe.min.js') });
      const found = (await page.evaluate(async () => {
        const r = await (
          window as unknown as {
            axe: {
              run: (
                o: object,
              ) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
            };
          }
        ).axe.run({});
        return r.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          targets: v.nodes.map((n) => n.target.join(' ')),
        }));
      })) as { id: string; impact: string; targets: string[] }[];
      for (const v of found)
        if (v.impact === 'serious' || v.impact === 'critical')
          violations.push(`${id} ${viewport.width}px: ${v.id} (${v.impact}) ${v.targets.slice(0, 3).join(', ')}`);
    }
    expect(violations).toEqual([]);

    const phone = await unnamedControls();
    expect(phone.seen).toBeGreaterThan(10);
    expect(phone.unnamed).toEqual([]);
    await close();
  });

  it('becomes a bottom sheet on a phone (390×844)', async () => {
    const { page, close } = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
    });
    await gotoMap(page, app.url);
    const sheet = (await page.locator('#tools').boundingBox())!;
    expect(sheet.y + sheet.height).toBeGreaterThan(840);
    expect(sheet.width).toBeGreaterThan(380);
    const map = (await page.locator('.map-wrap').boundingBox())!;
    expect(map.y + map.height).toBeLessThanOrEqual(sheet.y + 1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone.png') });
    await page.tap('#tab-wifi');
    await page.getByRole('button', { name: '지도 중심에서 찾기' }).tap();
    await expect.poll(() => page.locator('#panel-wifi ol button').count()).toBeGreaterThan(0);
    await page.waitForTimeout(600);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-wifi.png') });
    await page.locator('#panel-wifi ol button').first().tap();
    await expect.poll(() => page.locator('#detail-title').count()).toBe(1);
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-detail.png') });
    const detail = (await page.locator('aside.detail').boundingBox())!;
    expect(detail.y + detail.height).toBeGreaterThan(840);
    await close();
  });
});
