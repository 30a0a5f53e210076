import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORTS_PER_ADDRESS } from '../../api/src/routes/reports.js';
import { BACKENDS, openBackend, skipReason, type TestBackend } from '../support/backends.js';
import { type Staff, staff } from '../support/staff.js';

interface Report {
  id: number;
  collection: string;
  featureId: number;
  status: string;
  message: string;
  contact: string | null;
  lon: number;
  lat: number;
}

describe.each(BACKENDS)('fault reports on %s', (backendName) => {
  const reason = skipReason(backendName);
  let b: TestBackend;
  let pr: Staff;
  let it_: Staff;
  let admin: Staff;
  let seq = 0;
  const file = (body: unknown, ip?: string) => {
    seq += 1;
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost' },
      body: JSON.stringify(body),
    };
    // each call from its own address unless one is given, so the limiter only bites where tested
    return b.app.request('http://localhost/api/reports', init, {
      incoming: { socket: { remoteAddress: ip ?? `198.51.100.${seq}` } },
    });
  };
  const firstId = async (table: string) =>
    (await sql<{ id: number }>`select min(id) as id from ${sql.table(table)}`.execute(b.db.kysely)).rows[0]
      ?.id as number;
  const list = async (who: Staff, q = '') => {
    const res = await who.request(`/api/reports${q}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { reports: Report[] }).reports;
  };
  const move = (who: Staff, id: number, status: string) =>
    who.request(`/api/reports/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status }),
    });

  let wifiReport: number;
  let boardReport: number;

  beforeAll(async () => {
    if (reason) return;
    b = await openBackend(backendName);
    pr = await staff(b, 'pr-report', 'pr');
    it_ = await staff(b, 'it-report', 'it');
    admin = await staff(b, 'admin-report', 'admin');
  });
  afterAll(async () => {
    await b?.close();
  });

  it.skipIf(reason)('anyone files a report without an account; it sits at the asset', async () => {
    const wifi = await firstId('wifi');
    const res = await file({
      collection: 'wifi',
      feature_id: wifi,
      category: 'not-working',
      message: '와이파이가 안 돼요',
      contact: '010-0000-0000',
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'new' });
    wifiReport = body.id;
    const at = await sql<{ same: boolean }>`select ST_Equals(r.geom, w.geom) as same from fault_reports r, wifi w
      where r.id = ${wifiReport} and w.id = ${wifi}`.execute(b.db.kysely);
    expect(at.rows[0]?.same).toBe(true);

    const board = await firstId('signage');
    const r2 = await file({
      collection: 'signage',
      feature_id: board,
      category: 'damaged',
      message: '<script>alert(1)</script> broken',
    });
    expect(r2.status).toBe(201);
    boardReport = (await r2.json()).id;

    const area = await firstId('update_areas');
    const r3 = await file({
      collection: 'update-areas',
      feature_id: area,
      category: 'other',
      message: 'survey crew blocking road',
    });
    expect(r3.status).toBe(201);
    const inside = await sql<{
      inside: boolean;
    }>`select ST_Intersects(r.geom, a.geom) as inside from fault_reports r, update_areas a
      where r.id = ${(await r3.json()).id} and a.id = ${area}`.execute(b.db.kysely);
    expect(inside.rows[0]?.inside).toBe(true);
  });

  it.skipIf(reason)(
    'Location of a new report answers GET: in full to the owning staff, without message and contact to others',
    async () => {
      const res = await file({
        collection: 'wifi',
        feature_id: await firstId('wifi'),
        category: 'damaged',
        message: '안테나가 부러졌어요',
        contact: 'citizen@example.com',
      });
      expect(res.status).toBe(201);
      const { id } = await res.json();
      const location = res.headers.get('location') ?? '';
      expect(location).toBe(`/api/reports/${id}`);

      const full = await it_.request(location);
      expect(full.status).toBe(200);
      expect(full.headers.get('cache-control')).toBe('no-store');
      const report = (await full.json()) as Report;
      expect(report).toMatchObject({
        id,
        collection: 'wifi',
        status: 'new',
        message: '안테나가 부러졌어요',
        contact: 'citizen@example.com',
      });
      expect((await (await admin.request(location)).json()).contact).toBe('citizen@example.com');

      // the public (and staff of another role) see what the map's open.geojson shows, no personal data
      for (const [who, r] of [
        ['public', await b.request(location)],
        ['pr', await pr.request(location)],
      ] as const) {
        expect(r.status, who).toBe(200);
        expect(r.headers.get('cache-control')).toBe('no-store');
        const text = await r.text();
        expect(text, who).not.toContain('citizen@example.com');
        expect(text, who).not.toContain('안테나');
        const body = JSON.parse(text);
        expect(body).toMatchObject({ id, collection: 'wifi', featureId: report.featureId, status: 'new' });
        expect(body.lon).toBe(report.lon);
        expect(Object.keys(body)).not.toContain('message');
        expect(Object.keys(body)).not.toContain('contact');
      }
      expect((await b.request('/api/reports/999999')).status).toBe(404);
      expect((await b.request('/api/reports/abc')).status).toBe(400);
      expect((await b.request('/api/reports/open.geojson')).headers.get('content-type')).toContain(
        'application/geo+json',
      );
    },
  );

  it.skipIf(reason)('refuses an unknown feature, category or field with 400, storing nothing', async () => {
    const count = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from fault_reports`.execute(b.db.kysely)).rows[0]?.n;
    const before = await count();
    const cases: [unknown, string][] = [
      [{ collection: 'wifi', feature_id: 999999, category: 'damaged', message: 'x' }, 'feature_id'],
      [{ collection: 'wifi', feature_id: 1, category: 'on-fire', message: 'x' }, 'category'],
      [{ collection: 'roads', feature_id: 1, category: 'damaged', message: 'x' }, 'collection'],
      [{ collection: 'wifi', feature_id: 1, category: 'damaged', message: '   ' }, 'message'],
      [{ collection: 'wifi', feature_id: 1, category: 'damaged', message: 'x'.repeat(2001) }, 'message'],
      [{ collection: 'wifi', feature_id: 1, category: 'damaged', message: 'x', status: 'resolved' }, ''],
    ];
    for (const [body, field] of cases) {
      const res = await file(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      const problem = await res.json();
      if (field) expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await count()).toBe(before);
  });

  it.skipIf(reason)(`limits one address to ${REPORTS_PER_ADDRESS} reports (429), others unaffected`, async () => {
    const wifi = await firstId('wifi');
    const body = { collection: 'wifi', feature_id: wifi, category: 'not-working', message: 'still down' };
    for (let i = 0; i < REPORTS_PER_ADDRESS; i++) expect((await file(body, '203.0.113.9')).status).toBe(201);
    const limited = await file(body, '203.0.113.9');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(60);
    expect((await file(body, '203.0.113.10')).status).toBe(201);
  });

  it.skipIf(reason)('staff of the owning role see their queue; admin sees all; the public sees none', async () => {
    expect((await b.request('/api/reports')).status).toBe(401);
    const prQueue = await list(pr);
    expect(prQueue.map((r) => r.collection)).toEqual(['signage']);
    expect(prQueue[0]?.message).toBe('<script>alert(1)</script> broken');
    const itQueue = await list(it_);
    expect(new Set(itQueue.map((r) => r.collection))).toEqual(new Set(['wifi']));
    expect(itQueue.find((r) => r.id === wifiReport)?.contact).toBe('010-0000-0000');
    const all = await list(admin);
    expect(new Set(all.map((r) => r.collection))).toEqual(new Set(['wifi', 'signage', 'update-areas']));
    expect((await list(admin, '?status=resolved')).length).toBe(0);
  });

  it.skipIf(reason)('moves new → in-progress → resolved only, by the owning role, and audits each step', async () => {
    expect((await move(it_, boardReport, 'in-progress')).status).toBe(403);
    expect((await move(pr, boardReport, 'resolved')).status).toBe(409);
    const step1 = await move(pr, boardReport, 'in-progress');
    expect(step1.status).toBe(200);
    expect((await step1.json()).status).toBe('in-progress');
    expect((await move(pr, boardReport, 'new')).status).toBe(409);
    const step2 = await move(admin, boardReport, 'resolved');
    expect(step2.status).toBe(200);
    expect((await move(pr, boardReport, 'resolved')).status).toBe(409);
    expect((await list(pr, '?status=resolved')).map((r) => r.id)).toEqual([boardReport]);
    const audit = await sql<{ username: string; detail: { from: string; to: string } }>`
      select username, detail from audit_log where action = 'report-status' order by id`.execute(b.db.kysely);
    expect(audit.rows.map((r) => [r.username, r.detail.from, r.detail.to])).toEqual([
      ['pr-report', 'new', 'in-progress'],
      ['admin-report', 'in-progress', 'resolved'],
    ]);
    expect((await move(pr, 999999, 'in-progress')).status).toBe(404);
  });

  it.skipIf(reason)('open.geojson shows open reports to everyone, without messages or contacts', async () => {
    const res = await b.request('/api/reports/open.geojson');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/geo+json');
    const text = await res.text();
    const fc = JSON.parse(text) as {
      features: { id: number; geometry: { type: string }; properties: Record<string, unknown> }[];
    };
    const ids = fc.features.map((f) => f.id);
    expect(ids).toContain(wifiReport);
    expect(ids).not.toContain(boardReport); // resolved
    for (const f of fc.features) {
      expect(f.geometry.type).toBe('Point');
      expect(Object.keys(f.properties).sort()).toEqual([
        'category',
        'collection',
        'created_at',
        'feature_id',
        'status',
      ]);
    }
    expect(text).not.toContain('010-0000-0000');
    expect(text).not.toContain('와이파이가 안 돼요');
  });
});
