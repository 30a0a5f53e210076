import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openBackend, skipReason, type TestBackend } from '../support/backends.js';
import { type Staff, staff } from '../support/staff.js';

interface Page {
  numberMatched: number;
  numberReturned: number;
  entries: {
    id: number;
    at: string;
    username: string;
    action: string;
    collection: string;
    featureId: number;
    before: unknown;
    after: unknown;
  }[];
  links: { rel: string; href: string }[];
}

describe.each(BACKENDS)('audit log on %s', (backendName) => {
  const reason = skipReason(backendName);
  let b: TestBackend;
  let admin: Staff;
  let pr: Staff;
  let it_: Staff;
  let boardId: number;
  let wifiId: number;
  let between: string;

  const write = async (who: Staff, method: string, path: string, body: unknown, ifMatch?: string) => {
    const res = await who.request(path, {
      method,
      headers: { 'content-type': 'application/geo+json', ...(ifMatch ? { 'if-match': ifMatch } : {}) },
      body: JSON.stringify(body),
    });
    expect(res.status, `${method} ${path}`).toBeLessThan(300);
    return res;
  };
  const page = async (who: Staff, query: string) => {
    const res = await who.request(`/api/audit${query}`);
    expect(res.status, query).toBe(200);
    return (await res.json()) as Page;
  };

  beforeAll(async () => {
    if (reason) return;
    b = await openBackend(backendName);
    admin = await staff(b, 'auditor', 'admin');
    pr = await staff(b, 'pr-lee', 'pr');
    it_ = await staff(b, 'it-park', 'it');
    const board = await write(pr, 'POST', '/api/collections/signage/items', {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [126.71, 37.62] },
      properties: { name: '시험 전광판', kind: 'led', source: 'audit test' },
    });
    boardId = (await board.json()).id;
    let etag = board.headers.get('etag') ?? '';
    for (const note of ['one', 'two']) {
      const r = await write(pr, 'PATCH', `/api/collections/signage/items/${boardId}`, { properties: { note } }, etag);
      etag = r.headers.get('etag') ?? '';
    }
    await new Promise((r) => setTimeout(r, 50));
    between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 50));
    const ap = await write(it_, 'POST', '/api/collections/wifi/items', {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [126.7, 37.64] },
      properties: { name: '시험 AP', source: 'audit test' },
    });
    wifiId = (await ap.json()).id;
  });
  afterAll(async () => {
    await b?.close();
  });

  it.skipIf(reason)('is for admins only: 401 without a session, 403 for other roles', async () => {
    expect((await b.request('/api/audit')).status).toBe(401);
    expect((await pr.request('/api/audit')).status).toBe(403);
    expect((await it_.request('/api/audit')).status).toBe(403);
    const all = await page(admin, '');
    expect(all.numberMatched).toBe(4);
    expect(all.entries.map((e) => e.action)).toEqual(['create', 'patch', 'patch', 'create']);
  });

  it.skipIf(reason)('filters by user, collection, feature and time', async () => {
    const byPr = await page(admin, '?user=pr-lee');
    expect(byPr.numberMatched).toBe(3);
    expect(byPr.entries.every((e) => e.username === 'pr-lee' && e.collection === 'signage')).toBe(true);
    expect((await page(admin, '?collection=wifi')).entries.map((e) => e.featureId)).toEqual([wifiId]);
    const feature = await page(admin, `?collection=signage&feature=${boardId}`);
    expect(feature.numberMatched).toBe(3);
    const newest = feature.entries[0] as Page['entries'][number];
    expect((newest.after as { properties: { note: string } }).properties.note).toBe('two');
    expect((newest.before as { properties: { note: string } }).properties.note).toBe('one');
    const before = await page(admin, `?to=${encodeURIComponent(between)}`);
    expect(before.entries.map((e) => e.username)).toEqual(['pr-lee', 'pr-lee', 'pr-lee']);
    const after = await page(admin, `?from=${encodeURIComponent(between)}`);
    expect(after.entries.map((e) => e.username)).toEqual(['it-park']);
    expect((await page(admin, '?from=2000-01-01&to=2000-01-02')).numberMatched).toBe(0);
    expect((await page(admin, '?user=nobody')).numberMatched).toBe(0);
  });

  it.skipIf(reason)('paginates with next/prev links', async () => {
    const first = await page(admin, '?limit=3');
    expect(first.numberReturned).toBe(3);
    const next = first.links.find((l) => l.rel === 'next')?.href ?? '';
    expect(next).toContain('offset=3');
    const second = (await (await admin.request(next)).json()) as Page;
    expect(second.numberReturned).toBe(1);
    expect(second.links.find((l) => l.rel === 'next')).toBeUndefined();
    expect(second.links.find((l) => l.rel === 'prev')).toBeDefined();
    const ids = [...first.entries, ...second.entries].map((e) => e.id);
    expect(new Set(ids).size).toBe(4);
  });

  it.skipIf(reason)('refuses bad filters with 400', async () => {
    for (const q of ['?from=yesterday', '?to=2024-13-45', '?limit=0', '?collection=roads', '?feature=3']) {
      const res = await admin.request(`/api/audit${q}`);
      expect(res.status, q).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it.skipIf(reason)("shows a feature's history to any staff member, not to the public", async () => {
    expect((await b.request(`/api/collections/signage/items/${boardId}/history`)).status).toBe(401);
    const res = await it_.request(`/api/collections/signage/items/${boardId}/history`);
    expect(res.status).toBe(200);
    const h = (await res.json()) as Page;
    expect(h.entries.map((e) => e.action)).toEqual(['patch', 'patch', 'create']);
    expect(h.entries.every((e) => e.featureId === boardId)).toBe(true);
    expect(h.entries[2]?.before).toBeNull();
  });
});
