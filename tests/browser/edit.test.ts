// Staff edit mode and citizens' fault reports driven in real Chromium: sign in, edit with inline
// validation, conflict (412) with the other version shown (properties and position), move by dragging the
// handle and by clicking, delete with confirmation, a public report, the staff queue (a hostile message shown
// as text), all under the app's CSP.
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../api/src/auth/users.js';
import { browserSkipReason, gotoMap, launchBrowser, type RunningApp, startApp } from './harness.js';

const reason = browserSkipReason();
if (reason) console.warn(`edit browser suite skipped: ${reason}`);
const PASSWORD = 'browser-test passphrase 5512';
const XSS = '<img src=x onerror="window.__xss=1">';
/** expect.poll with room for a loaded machine (a sign-in alone spends ~0.5 s of scrypt). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 100 });

/** MapLibre's world size in CSS pixels at zoom `z` (512-pixel tiles). */
const worldSize = (z: number) => 512 * 2 ** z;
/** Web Mercator pixel of a lon/lat at zoom `z`. */
function project(lon: number, lat: number, z: number): [number, number] {
  const phi = (lat * Math.PI) / 180;
  return [
    ((lon + 180) / 360) * worldSize(z),
    ((1 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / Math.PI) / 2) * worldSize(z),
  ];
}

describe.skipIf(reason)('staff editing in Chromium', () => {
  let app: RunningApp;
  let browser: Browser;
  let targetId = 0;

  beforeAll(async () => {
    app = await startApp();
    await addUser(app.backend.db.kysely, { username: 'pr-browser', role: 'pr', password: PASSWORD });
    const row = await sql<{ id: number }>`insert into sculptures (name, kind, source, verified, geom)
      values ('편집 시험 조형물', 'character', 'browser test fixture', false, ST_SetSRID(ST_MakePoint(126.70, 37.64), 4326))
      returning id`.execute(app.backend.db.kysely);
    targetId = row.rows[0]?.id ?? 0;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function open(): Promise<{ page: Page; errors: string[]; dialogs: string[]; close: () => Promise<void> }> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ko-KR' });
    const page = await ctx.newPage();
    const errors: string[] = [];
    const dialogs: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text());
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    await page.route('https://**', (route) => route.abort('internetdisconnected'));
    return { page, errors, dialogs, close: () => ctx.close() };
  }

  async function signIn(page: Page): Promise<void> {
    await page.click('#staff-toggle');
    await page.fill('#staff-panel input[name=username]', 'pr-browser');
    await page.fill('#staff-panel input[name=password]', PASSWORD);
    await page.click('#staff-panel button[type=submit]');
    await poll(() => page.locator('#staff-panel .login').textContent()).toContain('pr-browser');
    await page.click('#staff-toggle');
  }

  const row = async () =>
    (
      await sql<{ name: string; note: string | null; version: number; lon: number; lat: number }>`
        select name, note, version, ST_X(geom) as lon, ST_Y(geom) as lat from sculptures where id = ${targetId}`.execute(
        app.backend.db.kysely,
      )
    ).rows[0];

  it('signs in, edits with inline validation, and shows the other version on a conflict', async () => {
    const { page, errors, close } = await open();
    await gotoMap(page, `${app.url}#map=15.00/37.64000/126.70000&sel=sculptures:${targetId}`);
    await signIn(page);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'gimpo_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    expect(await page.evaluate(() => document.cookie)).not.toContain('gimpo_session');

    await page.getByRole('button', { name: '이 자료 편집' }).click();
    const name = page.locator('#f-name');
    await poll(() => name.inputValue()).toBe('편집 시험 조형물');
    await name.fill('');
    await poll(() => page.locator('#e-name').textContent()).toContain('필수');
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    await name.fill('고친 이름');
    await page.getByRole('button', { name: '저장', exact: true }).click();
    await poll(async () => (await row())?.name).toBe('고친 이름');
    expect((await row())?.version).toBe(2);
    await poll(() => page.locator('#detail-title').textContent()).toBe('고친 이름');
    await poll(() => page.locator('.history li').count()).toBeGreaterThan(0);

    // someone else saves meanwhile, and moves the point a little
    await sql`update sculptures set note = '다른 직원 메모', version = version + 1,
      geom = ST_SetSRID(ST_MakePoint(126.7002, 37.6401), 4326) where id = ${targetId}`.execute(app.backend.db.kysely);
    await page.fill('#f-note', '내 메모');
    await page.getByRole('button', { name: '저장', exact: true }).click();
    const conflict = page.locator('.conflict');
    await poll(() => conflict.count()).toBe(1);
    await poll(() => conflict.textContent()).toContain('다른 직원 메모');
    expect(await conflict.textContent()).toContain('내 메모');
    // the move is shown too, with their position and mine
    expect(await conflict.locator('.moved').textContent()).toContain('위치가 바뀌었습니다');
    const position = conflict.locator('tr.position');
    expect(await position.locator('td').first().textContent()).toBe('126.700200, 37.640100');
    expect(await position.locator('td').last().textContent()).toBe('126.700000, 37.640000');
    expect((await row())?.note).toBe('다른 직원 메모');
    await page.getByRole('button', { name: '내 편집 유지' }).click();
    await page.getByRole('button', { name: '저장', exact: true }).click();
    await poll(async () => (await row())?.note).toBe('내 메모');
    expect(errors).toEqual([]);
    await close();
  });

  it('moves a point by dragging its handle and by clicking its new place, then deletes it after confirmation', async () => {
    const { page, errors, dialogs, close } = await open();
    const start = await row();
    if (!start) throw new Error('no fixture');
    await gotoMap(
      page,
      `${app.url}#map=15.00/${start.lat.toFixed(5)}/${start.lon.toFixed(5)}&sel=sculptures:${targetId}`,
    );
    await signIn(page);
    await page.getByRole('button', { name: '이 자료 편집' }).click();
    await page.getByRole('button', { name: '위치 옮기기' }).click();
    await poll(() => page.locator('.where .note').textContent()).toContain('주황색 점을 끌어');
    const box = await page.locator('.maplibregl-canvas').boundingBox();
    if (!box) throw new Error('no map canvas');
    // where the camera is (the map reports it once it settles; else the URL it was opened with)
    const view = (await page.getAttribute('.map', 'data-view')) ?? `15.00/${start.lat}/${start.lon}`;
    const [z, cLat, cLon] = view.split('/').map(Number) as [number, number, number];
    const [px, py] = project(start.lon, start.lat, z);
    const [cx, cy] = project(cLon, cLat, z);
    let handle: [number, number] = [box.x + box.width / 2 + px - cx, box.y + box.height / 2 + py - cy];
    // the handle is under the mouse when MapLibre says so (the canvas shows the grab cursor); look around a
    // little in case the camera is offset by a few pixels
    const cursor = () =>
      page.evaluate(() => document.querySelector<HTMLElement>('.maplibregl-canvas-container')?.style.cursor ?? '');
    const found = await (async () => {
      for (let i = 0; i < 100; i++) {
        for (const [dx, dy] of [
          [0, 0],
          [1, 0],
          [-6, 0],
          [6, 0],
          [0, -6],
          [0, 6],
        ] as const) {
          await page.mouse.move(handle[0] + dx, handle[1] + dy);
          if ((await cursor()) === 'grab') {
            handle = [handle[0] + dx, handle[1] + dy];
            return true;
          }
        }
        await page.waitForTimeout(100);
      }
      return false;
    })();
    expect(found, `no drag handle under the mouse at ${handle.join(', ')} (view ${view})`).toBe(true);
    const drag = { dx: 120, dy: 80 };
    const viewBefore = await page.getAttribute('.map', 'data-view');
    await page.mouse.down();
    await page.mouse.move(handle[0] + drag.dx / 2, handle[1] + drag.dy / 2, { steps: 6 });
    await page.mouse.move(handle[0] + drag.dx, handle[1] + drag.dy, { steps: 6 });
    await page.mouse.up();
    // the camera did not pan with the drag, and the form shows the new, unsaved position
    await page.waitForTimeout(300);
    expect(await page.getAttribute('.map', 'data-view')).toBe(viewBefore);
    await poll(() => page.locator('.where p').first().textContent()).toContain('저장 전');
    await page.getByRole('button', { name: '저장', exact: true }).click();
    await poll(async () => (await row())?.version).toBe((start.version ?? 0) + 1);
    const dragged = await row();
    if (!dragged) throw new Error('fixture gone');
    // moved by the dragged distance: 120 px east and 80 px south at this zoom (within 4 px)
    const [qx, qy] = project(dragged.lon, dragged.lat, z);
    expect(Math.abs(qx - px - drag.dx), `moved ${qx - px} px east`).toBeLessThan(4);
    expect(Math.abs(qy - py - drag.dy), `moved ${qy - py} px south`).toBeLessThan(4);
    expect(dragged.lon).toBeGreaterThan(start.lon + 0.002);
    expect(dragged.lat).toBeLessThan(start.lat - 0.001);

    // a click on the new place works too: 150 px west of it (east lies under the detail panel)
    await page.getByRole('button', { name: '위치 옮기기' }).click();
    await page.mouse.click(handle[0] + drag.dx - 150, handle[1] + drag.dy);
    await page.getByRole('button', { name: '저장', exact: true }).click();
    await poll(async () => (await row())?.lon ?? 0).toBeLessThan(dragged.lon - 0.002);

    await page.getByRole('button', { name: '삭제' }).click();
    await poll(async () => (await row()) === undefined).toBe(true);
    expect(dialogs.join()).toContain('삭제할까요');
    const audit = await sql<{
      action: string;
    }>`select action from audit_log where feature_id = ${targetId} and collection = 'sculptures' order by id`.execute(
      app.backend.db.kysely,
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['patch', 'patch', 'patch', 'patch', 'delete']);
    expect(errors).toEqual([]);
    await close();
  });

  it('adds a point by clicking the map, with the form refusing a missing required field', async () => {
    const { page, errors, close } = await open();
    await gotoMap(page, `${app.url}#map=15.00/37.63000/126.71000`);
    await signIn(page);
    await page.click('#staff-toggle');
    await page.selectOption('#staff-panel select', 'sculptures');
    await page.getByRole('button', { name: '지도에서 위치 선택' }).click();
    await poll(() => page.locator('#staff-panel').isHidden()).toBe(true); // the menu steps aside
    const box = await page.locator('.maplibregl-canvas').boundingBox();
    if (!box) throw new Error('no map canvas');
    await page.mouse.click(box.x + box.width / 2 + 60, box.y + box.height / 2 + 40);
    await poll(() => page.locator('#staff-panel').isVisible()).toBe(true); // and comes back with the form
    const form = page.locator('#staff-panel form');
    await form.locator('#f-name').fill('새 캐릭터 조형물');
    await form.getByRole('button', { name: '추가' }).click();
    await poll(() => form.locator('#e-kind').textContent()).toContain('필수');
    await form.locator('#f-kind').selectOption('character');
    await form.locator('#f-source').fill('현장 확인 2026-11');
    const count = async () =>
      (
        await sql<{ n: number }>`select count(*)::int as n from sculptures where name = '새 캐릭터 조형물'`.execute(
          app.backend.db.kysely,
        )
      ).rows[0]?.n;
    expect(await count()).toBe(0);
    await form.getByRole('button', { name: '추가' }).click();
    await poll(count).toBe(1);
    const added = await sql<{
      lon: number;
      lat: number;
      verified: boolean;
    }>`select ST_X(geom) as lon, ST_Y(geom) as lat, verified
      from sculptures where name = '새 캐릭터 조형물'`.execute(app.backend.db.kysely);
    expect(added.rows[0]?.lon).toBeGreaterThan(126.71);
    expect(added.rows[0]?.lat).toBeLessThan(37.63);
    expect(added.rows[0]?.verified).toBe(true);
    await poll(() => page.locator('#detail-title').textContent()).toBe('새 캐릭터 조형물');
    expect(errors).toEqual([]);
    await close();
  });

  it('a citizen reports a fault without an account; staff see it as text in their queue', async () => {
    const boardId = (await sql<{ id: number }>`select min(id) as id from signage`.execute(app.backend.db.kysely))
      .rows[0]?.id;
    const citizen = await open();
    await gotoMap(citizen.page, `${app.url}#map=14.00/37.62000/126.71000&sel=signage:${boardId}`);
    await citizen.page.getByRole('button', { name: '고장 신고하기' }).click();
    await citizen.page.selectOption('.report select', 'damaged');
    await citizen.page.fill('.report textarea', XSS);
    await citizen.page.getByRole('button', { name: '보내기' }).click();
    await poll(() => citizen.page.locator('.report .done').textContent()).toContain('접수');
    await citizen.close();
    const open_ = await (await app.backend.request('/api/reports/open.geojson')).json();
    expect(
      open_.features.some((f: { properties: { feature_id: number } }) => f.properties.feature_id === boardId),
    ).toBe(true);

    const staff = await open();
    await gotoMap(staff.page, app.url);
    await signIn(staff.page);
    await staff.page.click('#staff-toggle');
    const item = staff.page.locator('.queue li').first();
    await poll(() => item.textContent()).toContain(XSS);
    expect(await staff.page.locator('.queue img').count()).toBe(0);
    expect(await staff.page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await item.getByRole('button', { name: /처리 중/ }).click();
    await expect
      .poll(
        async () =>
          (
            await sql<{ status: string }>`select status from fault_reports order by id desc limit 1`.execute(
              app.backend.db.kysely,
            )
          ).rows[0]?.status,
      )
      .toBe('in-progress');
    expect(staff.errors).toEqual([]);
    await staff.close();
  });
});
