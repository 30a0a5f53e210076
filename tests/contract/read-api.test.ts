/**
 * The read API on both backends: OGC API – Features documents, items paging/filters/CSV/ETag, nearest
 * Wi-Fi, search, and every kind of bad input the issue lists (400/404/406 problem+json, never 5xx, no change).
 */
import type { Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTION_IDS, COLLECTIONS } from '../../api/src/collections.js';
import { answerClientError, httpServerOptions, MAX_REQUEST_HEAD_BYTES } from '../../api/src/problem.js';
import { webPage } from '../../api/src/web-page.js';
import { BACKENDS, openBackend, skipReason, type TestBackend } from '../support/backends.js';

interface Link {
  href: string;
  rel: string;
  type?: string;
}
interface Fc {
  type: string;
  numberMatched: number;
  numberReturned: number;
  timeStamp: string;
  links: Link[];
  features: { id: number; geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> }[];
}

/** Distance in metres between two lon/lat points on the WGS84 ellipsoid (Vincenty's inverse formula). */
function vincenty(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const a = 6378137;
  const f = 1 / 298.257223563;
  const b = a * (1 - f);
  const rad = Math.PI / 180;
  const L = (lon2 - lon1) * rad;
  const U1 = Math.atan((1 - f) * Math.tan(lat1 * rad));
  const U2 = Math.atan((1 - f) * Math.tan(lat2 * rad));
  const [sinU1, cosU1, sinU2, cosU2] = [Math.sin(U1), Math.cos(U1), Math.sin(U2), Math.cos(U2)];
  let lambda = L;
  for (let i = 0; i < 200; i++) {
    const [sinL, cosL] = [Math.sin(lambda), Math.cos(lambda)];
    const sinSigma = Math.hypot(cosU2 * sinL, cosU1 * sinU2 - sinU1 * cosU2 * cosL);
    const cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosL;
    const sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cosU1 * cosU2 * sinL) / sinSigma;
    const cos2Alpha = 1 - sinAlpha * sinAlpha;
    const cos2SigmaM = cosSigma - (2 * sinU1 * sinU2) / cos2Alpha;
    const C = (f / 16) * cos2Alpha * (4 + f * (4 - 3 * cos2Alpha));
    const next =
      L + (1 - C) * f * sinAlpha * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM ** 2)));
    const done = Math.abs(next - lambda) < 1e-13;
    lambda = next;
    if (done) {
      const u2 = (cos2Alpha * (a * a - b * b)) / (b * b);
      const A = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
      const B = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
      const dSigma =
        B *
        sinSigma *
        (cos2SigmaM +
          (B / 4) *
            (cosSigma * (-1 + 2 * cos2SigmaM ** 2) -
              (B / 6) * cos2SigmaM * (-3 + 4 * sinSigma ** 2) * (-3 + 4 * cos2SigmaM ** 2)));
      return b * A * (sigma - dSigma);
    }
  }
  throw new Error('Vincenty did not converge');
}

describe.each(BACKENDS)('read API on %s', (backendName) => {
  const reason = skipReason(backendName);
  let b: TestBackend;
  const json = async <T = Fc>(path: string, init?: RequestInit): Promise<T> => {
    const res = await b.request(path, init);
    expect(res.status, `${path}: ${res.status}`).toBe(200);
    return (await res.json()) as T;
  };
  const problem = async (path: string, status: number, field?: string) => {
    const res = await b.request(path);
    expect(res.status, path).toBe(status);
    expect(res.headers.get('content-type'), path).toContain('application/problem+json');
    const body = (await res.json()) as { status: number; detail: string; errors?: { field: string }[] };
    expect(body.status).toBe(status);
    if (field)
      expect(
        body.errors?.map((e) => e.field),
        `${path}: ${body.detail}`,
      ).toContain(field);
    return body;
  };
  const counts = async () => {
    const out: Record<string, number> = {};
    for (const def of Object.values(COLLECTIONS)) {
      const r = await sql<{ n: number; v: number }>`select count(*)::int as n, coalesce(sum(version), 0)::int as v
        from ${sql.table(def.table)}`.execute(b.db.kysely);
      out[def.id] = (r.rows[0]?.n ?? 0) * 100000 + (r.rows[0]?.v ?? 0);
    }
    return out;
  };

  beforeAll(async () => {
    if (!reason) b = await openBackend(backendName);
  });
  afterAll(async () => {
    await b?.close();
  });

  it.skipIf(reason)('landing page and conformance link the OGC documents', async () => {
    const landing = await json<{ links: Link[] }>('/api');
    const rels = Object.fromEntries(landing.links.map((l) => [l.rel, new URL(l.href).pathname]));
    expect(rels).toMatchObject({
      self: '/api',
      'service-desc': '/api/openapi.json',
      conformance: '/api/conformance',
      data: '/api/collections',
    });
    const conf = await json<{ conformsTo: string[] }>('/api/conformance');
    for (const c of ['core', 'geojson', 'oas30']) {
      expect(conf.conformsTo).toContain(`http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/${c}`);
    }
  });

  it.skipIf(reason)('the OpenAPI document describes every read route with tags', async () => {
    const doc = await json<{
      info: { title: string };
      tags: { name: string }[];
      paths: Record<string, { get?: { tags?: string[]; parameters?: { name: string; required?: boolean }[] } }>;
    }>('/api/openapi.json');
    expect(doc.info.title).toBeTruthy();
    for (const p of [
      '/',
      '/conformance',
      '/collections',
      '/collections/{collectionId}',
      '/collections/{collectionId}/queryables',
      '/wifi/nearest',
      '/search',
      '/stats/coverage',
      '/stats/summary',
    ]) {
      expect(doc.paths[p]?.get?.tags?.length, p).toBeGreaterThan(0);
    }
    for (const id of COLLECTION_IDS) {
      const params = doc.paths[`/collections/${id}/items`]?.get?.parameters?.map((x) => x.name) ?? [];
      expect(params).toEqual(expect.arrayContaining(['bbox', 'limit', 'offset', 'f']));
      for (const p of [...COLLECTIONS[id].properties].filter((x) => x.queryable))
        expect(params, `${id} ${p.name}`).toContain(p.name);
      expect(params.includes('datetime')).toBe(Boolean(COLLECTIONS[id].datetimeColumn));
      expect(doc.paths[`/collections/${id}/items/{featureId}`]?.get).toBeTruthy();
    }
    // numbers are documented as numbers, never nullable; nearest needs lon and lat
    type Param = { name: string; required?: boolean; schema?: { type?: string; nullable?: boolean } };
    const params = (path: string) =>
      Object.fromEntries(
        ((doc.paths[path]?.get?.parameters ?? []) as Param[]).map((p) => [
          p.name,
          { ...p.schema, required: p.required },
        ]),
      );
    const nearest = params('/wifi/nearest');
    for (const name of ['lon', 'lat']) expect(nearest[name], name).toMatchObject({ type: 'number', required: true });
    expect(nearest.limit).toMatchObject({ type: 'integer', required: false });
    const items = params('/collections/wifi/items');
    expect(items.offset).toMatchObject({ type: 'integer', required: false });
    expect(items.plan_year).toMatchObject({ type: 'integer', required: false });
    for (const p of [...Object.values(nearest), ...Object.values(items), ...Object.values(params('/search'))])
      expect(p.nullable).toBeUndefined();
  });

  it.skipIf(reason)(
    'collections carry extents computed from the data and links to items, queryables and tiles',
    async () => {
      const all = await json<{
        collections: { id: string; extent: { spatial: { bbox: number[][] } }; links: Link[] }[];
      }>('/api/collections');
      expect(all.collections.map((c) => c.id).sort()).toEqual([...COLLECTION_IDS].sort());
      const areas = await json<{ extent: { spatial: { bbox: number[][] } } }>('/api/collections/admin-areas');
      const [w, s, e, n] = areas.extent.spatial.bbox[0] as number[];
      // the city's extent from FACTS.md: 126.517, 37.580, 126.803, 37.790
      expect(w).toBeCloseTo(126.517, 2);
      expect(s).toBeCloseTo(37.58, 2);
      expect(e).toBeCloseTo(126.803, 2);
      expect(n).toBeCloseTo(37.79, 2);
      const lines = await json<{ extent: { temporal?: { interval: (string | null)[][] } }; links: Link[] }>(
        '/api/collections/update-lines',
      );
      expect(lines.extent.temporal?.interval[0]?.[0]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      const rels = lines.links.map((l) => `${l.rel} ${new URL(l.href).pathname}`);
      expect(rels).toContain('items /api/collections/update-lines/items');
      expect(rels).toContain(
        'http://www.opengis.net/def/rel/ogc/1.0/queryables /api/collections/update-lines/queryables',
      );
      expect(rels).toContain('tiles /api/tiles/update-lines.json');
      const q = await json<{ properties: Record<string, { type: string; enum?: string[] }> }>(
        '/api/collections/update-areas/queryables',
      );
      expect(q.properties.facility).toMatchObject({ type: 'string', enum: ['road', 'water', 'sewer'] });
      expect(q.properties.year?.type).toBe('integer');
      expect(q.properties.name).toBeUndefined();
    },
  );

  it.skipIf(reason)('pages carry counts and next/prev links that keep every other parameter', async () => {
    const all = await json('/api/collections/update-lines?limit=1'.replace('?limit=1', '/items?limit=10000'));
    const total = all.numberMatched;
    expect(all.numberReturned).toBe(total);
    const seen: number[] = [];
    let url: string | undefined = '/api/collections/update-lines/items?limit=100&facility=road';
    let road = 0;
    let pages = 0;
    while (url) {
      const page: Fc = await json(url);
      road = page.numberMatched;
      expect(page.timeStamp).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(page.numberReturned).toBe(page.features.length);
      for (const f of page.features) expect(f.properties.facility).toBe('road');
      seen.push(...page.features.map((f) => f.id));
      const next = page.links.find((l) => l.rel === 'next');
      if (next) expect(new URL(next.href).searchParams.get('facility')).toBe('road');
      const prev = page.links.find((l) => l.rel === 'prev');
      if (pages > 0) expect(prev && new URL(prev.href).searchParams.get('offset')).toBe(String((pages - 1) * 100));
      else expect(prev).toBeUndefined();
      if (next) expect(new URL(next.href).searchParams.get('offset')).toBe(String((pages + 1) * 100));
      url = next?.href;
      pages++;
    }
    expect(pages).toBeGreaterThan(1);
    expect(seen).toHaveLength(road);
    expect(new Set(seen).size).toBe(road);
    expect(road).toBeLessThan(total);
    const last = await json(`/api/collections/update-lines/items?limit=100&offset=${road - 5}&facility=road`);
    expect(last.numberReturned).toBe(5);
    expect(last.numberMatched).toBe(road);
    const beyond = await json(`/api/collections/update-lines/items?limit=10&offset=${total + 50}`);
    expect(beyond).toMatchObject({ numberMatched: total, numberReturned: 0 });
    // 14 smart boards in pages of 7: the second page is the last, exactly full, so it has no next
    const rels = (fc: Fc) => Object.fromEntries(fc.links.map((l) => [l.rel, new URL(l.href).searchParams]));
    const first = await json('/api/collections/signage/items?kind=smart-board&limit=7');
    expect(first).toMatchObject({ numberMatched: 14, numberReturned: 7 });
    expect(rels(first).next?.get('offset')).toBe('7');
    expect(rels(first).prev).toBeUndefined();
    const second = await json('/api/collections/signage/items?kind=smart-board&limit=7&offset=7');
    expect(second).toMatchObject({ numberMatched: 14, numberReturned: 7 });
    expect(rels(second).next).toBeUndefined();
    expect(rels(second).prev?.get('offset')).toBe('0');
    expect(rels(second).prev?.get('kind')).toBe('smart-board');
    // a page that does not start on a multiple of limit goes back to 0, not below
    const odd = await json('/api/collections/signage/items?kind=smart-board&limit=7&offset=3');
    expect(rels(odd).prev?.get('offset')).toBe('0');
    expect(rels(odd).next?.get('offset')).toBe('10');
  });

  it.skipIf(reason)('filters by bbox, typed queryables and datetime', async () => {
    const bbox = '126.70,37.60,126.75,37.64';
    const inBox = await json(`/api/collections/wifi/items?bbox=${bbox}`);
    expect(inBox.numberReturned).toBeGreaterThan(0);
    for (const f of inBox.features) {
      const [x, y] = f.geometry.coordinates as number[];
      expect(x).toBeGreaterThanOrEqual(126.7);
      expect(x).toBeLessThanOrEqual(126.75);
      expect(y).toBeGreaterThanOrEqual(37.6);
      expect(y).toBeLessThanOrEqual(37.64);
    }
    const areas = await json('/api/collections/update-areas/items?year=2024');
    expect(areas.numberMatched).toBe(2);
    const verified = await json('/api/collections/signage/items?verified=true&limit=1000');
    for (const f of verified.features) expect(f.properties.verified).toBe(true);
    const boards = await json('/api/collections/signage/items?kind=smart-board');
    expect(boards.numberMatched).toBe(14);
    const lines = await json('/api/collections/update-lines/items?limit=10000');
    const dates = lines.features.map((f) => String(f.properties.surveyed_on)).sort();
    const mid = dates[Math.floor(dates.length / 2)] as string;
    const after = await json(`/api/collections/update-lines/items?datetime=${mid}/..&limit=10000`);
    const before = await json(`/api/collections/update-lines/items?datetime=../${mid}&limit=10000`);
    const on = await json(`/api/collections/update-lines/items?datetime=${mid}T12:00:00Z&limit=10000`);
    expect(after.numberMatched).toBe(dates.filter((d) => d >= mid).length);
    expect(before.numberMatched).toBe(dates.filter((d) => d <= mid).length);
    expect(on.numberMatched).toBe(dates.filter((d) => d === mid).length);
    // an instant selects the calendar date written in its own offset: 08:00 in Korea is still the day before in UTC
    const korean = await json(`/api/collections/update-lines/items?datetime=${mid}T08:00:00%2B09:00&limit=10000`);
    expect(korean.numberMatched).toBeGreaterThan(0);
    expect(korean.features.map((f) => f.properties.surveyed_on)).toEqual(korean.features.map(() => mid));
    const span = await json(
      `/api/collections/update-lines/items?datetime=${mid}T00:30:00%2B09:00/${mid}T23:00:00%2B09:00&limit=10000`,
    );
    expect(span.numberMatched).toBe(korean.numberMatched);
    // Wi-Fi is dated by month: a day inside the month finds it
    await sql`update wifi set installed_on = '2024-03', version = version + 1 where id = 2`.execute(b.db.kysely);
    const march = await json('/api/collections/wifi/items?datetime=2024-03-15T10:00:00%2B09:00');
    expect(march.features.map((f) => f.id)).toContain(2);
    const april = await json('/api/collections/wifi/items?datetime=2024-04-01/..');
    expect(april.features.map((f) => f.id)).not.toContain(2);
    const upToMarch = await json('/api/collections/wifi/items?datetime=../2024-03-01');
    expect(upToMarch.features.map((f) => f.id)).toContain(2);
  });

  it.skipIf(reason)('answers CSV with a BOM, Korean intact, lon/lat for points and WKT otherwise', async () => {
    const res = await b.request('/api/collections/sculptures/items?f=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const [header, ...rows] = text.trim().split(/\r\n/);
    expect(header?.split(',').slice(0, 2)).toEqual(['id', 'name']);
    expect(header?.endsWith('lon,lat')).toBe(true);
    expect(text).toContain('포수;포미');
    expect(rows.length).toBe(7);
    // a CSV page carries its counts and links as headers (RFC 8288 Link), the same as the GeoJSON page's
    const page = '/api/collections/update-lines/items?limit=100&offset=100&demo=true';
    const geo = await json(page);
    const csv = await b.request(`${page}&f=csv`);
    expect(csv.headers.get('ogc-numbermatched')).toBe(String(geo.numberMatched));
    expect(csv.headers.get('ogc-numberreturned')).toBe(String(geo.numberReturned));
    const linked = Object.fromEntries(
      [...(csv.headers.get('link') ?? '').matchAll(/<([^>]+)>; rel="([^"]+)"(?:; type="([^"]+)")?/g)].map((m) => [
        m[2],
        { url: new URL(m[1] as string), type: m[3] },
      ]),
    );
    for (const rel of ['next', 'prev']) {
      const g = new URL(geo.links.find((l) => l.rel === rel)?.href as string);
      const c = linked[rel];
      expect(c?.type, rel).toBe('text/csv');
      expect(c?.url.searchParams.get('f'), rel).toBe('csv');
      c?.url.searchParams.delete('f');
      expect(c?.url.toString(), rel).toBe(g.toString());
    }
    expect(linked.prev?.url.searchParams.get('offset')).toBe('0');
    expect(linked.next?.url.searchParams.get('offset')).toBe('200');
    expect(linked.self?.url.pathname).toBe('/api/collections/update-lines/items');
    // the CSV of the last page has no next
    const lastCsv = await b.request('/api/collections/signage/items?kind=smart-board&limit=7&offset=7&f=csv');
    expect(lastCsv.headers.get('link')).toContain('rel="prev"');
    expect(lastCsv.headers.get('link')).not.toContain('rel="next"');
    expect(lastCsv.headers.get('ogc-numberreturned')).toBe('7');
    const areas = await b.request('/api/collections/update-areas/items', { headers: { Accept: 'text/csv' } });
    expect(areas.headers.get('content-type')).toContain('text/csv');
    expect(await areas.text()).toContain('MULTIPOLYGON');
  });

  it.skipIf(reason)('tags items and pages with ETags and answers If-None-Match with 304', async () => {
    const one = await b.request('/api/collections/wifi/items/1');
    const tag = one.headers.get('etag');
    expect(tag).toBeTruthy();
    const again = await b.request('/api/collections/wifi/items/1', { headers: { 'If-None-Match': tag as string } });
    expect(again.status).toBe(304);
    const page = await b.request('/api/collections/wifi/items?limit=5');
    const pageTag = page.headers.get('etag') as string;
    expect(pageTag).toBeTruthy();
    expect(
      (await b.request('/api/collections/wifi/items?limit=5', { headers: { 'If-None-Match': pageTag } })).status,
    ).toBe(304);
    expect(
      (await b.request('/api/collections/wifi/items?limit=6', { headers: { 'If-None-Match': pageTag } })).status,
    ).toBe(200);
    await sql`update wifi set name = name || ' (변경)', version = version + 1 where id = 1`.execute(b.db.kysely);
    expect(
      (await b.request('/api/collections/wifi/items/1', { headers: { 'If-None-Match': tag as string } })).status,
    ).toBe(200);
    expect(
      (await b.request('/api/collections/wifi/items?limit=5', { headers: { 'If-None-Match': pageTag } })).status,
    ).toBe(200);
  });

  it.skipIf(reason)('gzips JSON for clients that accept it, with the same features and a weak ETag', async () => {
    const path = '/api/collections/update-lines/items?limit=10000';
    const plain = await b.request(path);
    expect(plain.headers.get('content-encoding')).toBeNull();
    const plainBody = await plain.text();
    const zipped = await b.request(path, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    expect(zipped.status).toBe(200);
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toMatch(/accept-encoding/i);
    const raw = Buffer.from(await zipped.arrayBuffer());
    expect(raw.length).toBeLessThan(plainBody.length / 3);
    const unzipped = JSON.parse(gunzipSync(raw).toString()) as Fc;
    expect(unzipped.features).toEqual((JSON.parse(plainBody) as Fc).features);
    const tag = zipped.headers.get('etag') as string;
    expect(tag).toMatch(/^W\//);
    const again = await b.request(path, { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': tag } });
    expect(again.status).toBe(304);
  });

  it.skipIf(reason)(
    'answers a whole collection from memory, yet every change to its table shows in the next answer',
    async () => {
      const path = '/api/collections/sculptures/items?limit=10000';
      const names = async () => (await json(path)).features.map((f) => f.properties.name as string);
      const before = await names();
      expect(await names()).toEqual(before); // the second answer comes from memory
      // changes made straight in the database, past the API's own write paths: a new row…
      const row = await sql<{ id: number }>`insert into sculptures
          (name, kind, address, emd, source, verified, geom, updated_at)
        values ('캐시 확인 조형물', 'character', '김포시', '사우동', 'read-api test', false,
                ST_SetSRID(ST_MakePoint(126.71, 37.62), 4326), now() - interval '2 days') returning id`.execute(
        b.db.kysely,
      );
      const id = row.rows[0]?.id as number;
      expect(await names()).toEqual([...before, '캐시 확인 조형물']);
      // …an edit stamped earlier than the table's latest change, as when a transaction that began first commits
      // last (same count, same highest id, same latest updated_at: only the versions tell)…
      await sql`update sculptures set name = '캐시 확인 조형물 (수정)', version = version + 1,
        updated_at = now() - interval '1 day' where id = ${id}`.execute(b.db.kysely);
      expect(await names()).toContain('캐시 확인 조형물 (수정)');
      // …and a delete
      await sql`delete from sculptures where id = ${id}`.execute(b.db.kysely);
      expect(await names()).toEqual(before);
      // a page, a filter or a bbox reads the table as before
      expect((await json('/api/collections/sculptures/items?limit=2')).features).toHaveLength(2);
    },
  );

  it.skipIf(reason)(
    'serves the web page with a preload of each first-view GeoJSON, none for a tiled collection',
    async () => {
      const page = async (threshold: number) => {
        const deps = { db: b.db, config: { ...b.config, tileThreshold: threshold }, tiles: undefined as never };
        const res = await new Hono().get('/', webPage(deps)).request('http://localhost/');
        return res.text();
      };
      const preloads = (html: string) =>
        [...html.matchAll(/<link rel="preload" href="([^"]+)" as="fetch"/g)].map((m) => m[1]);
      const all = preloads(await page(2000));
      expect(all).toEqual(
        expect.arrayContaining([
          '/api/client-config',
          '/api/collections',
          ...COLLECTION_IDS.map((id) => `/api/collections/${id}/items?limit=10000`),
          '/api/reports/open.geojson',
        ]),
      );
      // 14 Wi-Fi sites, 16 signs, 525 lines: above 14 a collection is drawn from tiles and not preloaded, except the
      // admin areas, which the offline basemap draws from their GeoJSON either way
      const small = preloads(await page(14));
      expect(small).toContain('/api/collections/wifi/items?limit=10000');
      expect(small).not.toContain('/api/collections/signage/items?limit=10000');
      expect(small).not.toContain('/api/collections/update-lines/items?limit=10000');
      expect(preloads(await page(1))).toContain('/api/collections/admin-areas/items?limit=10000');
    },
  );

  it.skipIf(reason)('finds the nearest Wi-Fi by ellipsoidal distance, ascending', async () => {
    // 김포시청 (city hall), 사우중로 1
    const fc = await json('/api/wifi/nearest?lon=126.7156&lat=37.6153&limit=5');
    expect(fc.features).toHaveLength(5);
    const d = fc.features.map((f) => f.properties.distance_m as number);
    expect(d).toEqual([...d].sort((x, y) => x - y));
    const all = await json('/api/collections/wifi/items?limit=10000');
    const nearestId = await sql<{ id: number }>`select id from wifi
      order by ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(126.7156, 37.6153), 4326)::geography) limit 5`.execute(
      b.db.kysely,
    );
    expect(fc.features.map((f) => f.id)).toEqual(nearestId.rows.map((r) => r.id));
    expect(all.numberMatched).toBeGreaterThanOrEqual(5);
    expect((await json('/api/wifi/nearest?lon=126.7&lat=37.6')).features.length).toBeGreaterThan(0);
  });

  it.skipIf(reason)(
    'finds the truly nearest site when a cluster nearer in degrees of latitude outnumbers the candidates',
    async () => {
      // east of Seoul, ~50 km from any seeded site: 25 sites 0.009° north (~999 m) and one 0.0105° east (~926 m; a
      // degree of longitude is ~0.79 of a degree of latitude here, so in plain degrees the north sites come first)
      const [lon, lat] = [127.3, 37.6153];
      const add = async (name: string, x: number, y: number) =>
        (
          await sql<{ id: number }>`insert into wifi (name, source, geom)
            values (${name}, 'read-api test', ST_SetSRID(ST_MakePoint(${x}::float8, ${y}::float8), 4326))
            returning id`.execute(b.db.kysely)
        ).rows[0]?.id as number;
      const north: number[] = [];
      for (let i = 0; i < 25; i++) north.push(await add(`근접 시험 북 ${i}`, lon, lat + 0.009));
      const east = await add('근접 시험 동', lon + 0.0105, lat);
      try {
        const one = await json(`/api/wifi/nearest?lon=${lon}&lat=${lat}&limit=1`);
        expect(one.features.map((f) => f.id)).toEqual([east]);
        const d = one.features[0]?.properties.distance_m as number;
        expect(Math.abs(d - vincenty(lon, lat, lon + 0.0105, lat))).toBeLessThan(0.1);
        expect(vincenty(lon, lat, lon + 0.0105, lat)).toBeCloseTo(927.038, 2); // PostGIS: 927.0376 m
        // and the same for a longer list: the east site, then the north ones by id, at their own true distance
        const five = await json(`/api/wifi/nearest?lon=${lon}&lat=${lat}&limit=5`);
        expect(five.features.map((f) => f.id)).toEqual([east, ...north.slice(0, 4)]);
        const dn = five.features[1]?.properties.distance_m as number;
        expect(Math.abs(dn - vincenty(lon, lat, lon, lat + 0.009))).toBeLessThan(0.1);
        const pg = await sql<{ d: number }>`select ST_Distance(
            ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326)::geography,
            ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat + 0.009}::float8), 4326)::geography) as d`.execute(
          b.db.kysely,
        );
        expect(Math.abs(dn - (pg.rows[0]?.d as number))).toBeLessThan(0.06);
      } finally {
        await sql`delete from wifi where source = 'read-api test' and name like '근접 시험%'`.execute(b.db.kysely);
      }
    },
  );

  it.skipIf(reason)(
    'polygons follow the right-hand rule of RFC 7946, whatever orientation they were stored in',
    async () => {
      // twice the signed area in lon/lat: > 0 for a counter-clockwise ring
      const signed = (ring: number[][]) =>
        ring.reduce((a, p, i) => {
          const q = ring[(i + 1) % ring.length] as number[];
          return a + (p[0] as number) * (q[1] as number) - (q[0] as number) * (p[1] as number);
        }, 0);
      // store one area clockwise on purpose
      await sql`update update_areas set geom = ST_ForcePolygonCW(geom), version = version + 1 where id = (select min(id) from update_areas)`.execute(
        b.db.kysely,
      );
      let rings = 0;
      for (const id of ['update-areas', 'admin-areas']) {
        const fc = await json<{ features: { geometry: { type: string; coordinates: number[][][][] } }[] }>(
          `/api/collections/${id}/items?limit=1000`,
        );
        for (const f of fc.features) {
          expect(f.geometry.type).toBe('MultiPolygon');
          for (const polygon of f.geometry.coordinates) {
            polygon.forEach((ring, k) => {
              rings++;
              if (k === 0) expect(signed(ring), `${id} exterior ring`).toBeGreaterThan(0);
              else expect(signed(ring), `${id} hole`).toBeLessThan(0);
            });
          }
        }
      }
      expect(rings).toBeGreaterThan(10);
    },
  );

  it.skipIf(reason)('bbox selects geometries that meet the box, not those whose envelope merely does', async () => {
    // 대곶면's bounding box overlaps this box, its outline does not (checked with ST_Intersects); 양촌읍 lies in it
    const fc = await json('/api/collections/admin-areas/items?bbox=126.60,37.60,126.61,37.61');
    const names = fc.features.map((f) => f.properties.name_ko);
    expect(names).toContain('양촌읍');
    expect(names).not.toContain('대곶면');
    expect(fc.numberMatched).toBe(fc.features.length);
    const csv = await b.request('/api/collections/admin-areas/items?bbox=126.60,37.60,126.61,37.61&f=csv');
    expect(await csv.text()).not.toContain('대곶면');
  });

  it.skipIf(reason)('finds a word only inside one search column, never across two, in any letter case', async () => {
    const { rows } = await sql<{ name: string; address: string }>`select name, address from wifi
      where name is not null and address is not null order by id limit 1`.execute(b.db.kysely);
    const w = rows[0] as { name: string; address: string };
    // the end of the name run on into the start of the address: in no single column
    const across = `${w.name.slice(-2)}${w.address.slice(0, 2)}`;
    const searchable = (f: Fc['features'][number]) => {
      const def = COLLECTIONS[f.properties.collection as keyof typeof COLLECTIONS];
      return def.searchColumns.map((c) => String(f.properties[c] ?? '').toLowerCase());
    };
    for (const q of [across, 'wifi', 'WIFI', '사우']) {
      const fc = await json(`/api/search?q=${encodeURIComponent(q)}&limit=100`);
      for (const f of fc.features)
        expect(
          searchable(f).some((v) => v.includes(q.toLowerCase())),
          `${q} → ${JSON.stringify(f.properties)}`,
        ).toBe(true);
    }
    const upper = await json(`/api/search?q=WIFI&limit=100`);
    const lower = await json(`/api/search?q=wifi&limit=100`);
    expect(upper.features.length).toBeGreaterThan(0);
    expect(upper.features.map((f) => f.id)).toEqual(lower.features.map((f) => f.id));
  });

  it.skipIf(reason)('searches Korean partial words across collections, ranked, with the collection named', async () => {
    for (const q of ['라베니체', '사우', '스마트']) {
      const fc = await json(`/api/search?q=${encodeURIComponent(q)}&limit=50`);
      expect(fc.features.length, q).toBeGreaterThan(0);
      for (const f of fc.features) expect(COLLECTION_IDS).toContain(f.properties.collection);
    }
    const smart = await json(`/api/search?q=${encodeURIComponent('스마트')}&limit=100`);
    expect(smart.features.filter((f) => f.properties.collection === 'signage').length).toBeGreaterThanOrEqual(14);
    const emd = await json(`/api/search?q=${encodeURIComponent('통진읍')}`);
    expect(emd.features[0]?.properties).toMatchObject({ collection: 'admin-areas', name_ko: '통진읍' });
    const pct = await json(`/api/search?q=${encodeURIComponent('%')}`);
    expect(pct.features).toHaveLength(0);
    const under = await json(`/api/search?q=${encodeURIComponent('_')}`);
    expect(under.features).toHaveLength(0);
  });

  it.skipIf(reason)(
    'over a real socket, a 100,000-character q gets a 400 naming q, a still longer one a 431 problem',
    async () => {
      // the server as api/src/server.ts starts it (Node's default 16 KB header limit answered a bare 431)
      const server = serve({ fetch: b.app.fetch, port: 0, hostname: '127.0.0.1', serverOptions: httpServerOptions });
      server.on('clientError', answerClientError);
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      const port = (server.address() as AddressInfo).port;
      try {
        const long = await fetch(`http://127.0.0.1:${port}/api/search?q=${encodeURIComponent('가'.repeat(100_000))}`);
        expect(long.status).toBe(400);
        expect(long.headers.get('content-type')).toContain('application/problem+json');
        const body = (await long.json()) as { errors?: { field: string }[] };
        expect(body.errors?.map((e) => e.field)).toContain('q');
        // past the limit: Node cannot read the request, and says so as problem+json (over a raw socket: fetch would
        // give up on a server that answers before the request is sent)
        const raw = await new Promise<string>((resolve, reject) => {
          const socket = net.connect(port, '127.0.0.1');
          let got = '';
          socket.setEncoding('latin1');
          socket.on('data', (d: string) => {
            got += d;
          });
          socket.on('end', () => resolve(got));
          socket.on('error', (err) => (got ? resolve(got) : reject(err)));
          socket.write(`GET /api/search?q=${'a'.repeat(MAX_REQUEST_HEAD_BYTES + 1000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
        });
        const [head = '', text = ''] = raw.split('\r\n\r\n');
        expect(head).toMatch(/^HTTP\/1\.1 431 /);
        expect(head.toLowerCase()).toContain('content-type: application/problem+json');
        expect(JSON.parse(text)).toMatchObject({ status: 431, title: 'Request Header Fields Too Large' });
        // the server still answers
        expect((await fetch(`http://127.0.0.1:${port}/api/conformance`)).status).toBe(200);
      } finally {
        (server as Server).closeAllConnections(); // fetch keeps its connection alive
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  );

  it.skipIf(reason)(
    'rejects bad input with 400/404/406 problem+json naming the field, and changes nothing',
    async () => {
      const before = await counts();
      const items = '/api/collections/wifi/items';
      for (const bbox of [
        '1,2,3',
        '1,2,3,4,5',
        'NaN,1,2,3',
        '126.8,37.6,126.7,37.7',
        '126.6,37.7,126.7,37.6',
        '-200,0,0,10',
        '0,-95,10,10',
        'a,b,c,d',
        '',
      ]) {
        await problem(`${items}?bbox=${encodeURIComponent(bbox)}`, 400, 'bbox');
      }
      for (const limit of ['0', '-1', '1e9', 'abc', '10001', '1.5'])
        await problem(`${items}?limit=${limit}`, 400, 'limit');
      await problem(`${items}?offset=-1`, 400, 'offset');
      await problem(`${items}?offset=x`, 400, 'offset');
      // an empty or non-decimal number is not 0 nor hex
      for (const q of ['offset=', 'offset=0x10', 'offset=%20', 'limit=', 'limit=0x10', 'limit=Infinity'])
        await problem(`${items}?${q}`, 400, q.split('=')[0]);
      await problem(`${items}?bbox=0x10,0,20,1`, 400, 'bbox');
      await problem(`${items}?plan_year=`, 400, 'plan_year');
      await problem(`${items}?plan_year=0x7e8`, 400, 'plan_year');
      // NUL and other control characters are refused naming the parameter, the database's message never shown
      for (const [path, field] of [
        [`${items}?emd=a%00b`, 'emd'],
        [`${items}?ssid=%1B%5B31m`, 'ssid'],
        ['/api/collections/admin-areas/items?name_ko=%00', 'name_ko'],
        ['/api/search?q=a%00b', 'q'],
        ['/api/search?q=%07', 'q'],
      ] as const) {
        const body = await problem(path, 400, field);
        expect(body.detail).not.toMatch(/byte sequence|UTF8|0x00|encoding/i);
      }
      await problem(`${items}?colour=red&size=2`, 400, 'colour');
      await problem(`${items}/1?colour=red`, 400, 'colour');
      await problem(`${items}/1?limit=1`, 400, 'limit');
      await problem(`${items}/1?f=csv`, 400, 'f');
      // the JSON documents take f=json (OGC clients send it) and nothing else
      for (const doc of [
        '/api',
        '/api/conformance',
        '/api/collections',
        '/api/collections/wifi',
        '/api/collections/wifi/queryables',
        '/api/openapi.json',
      ]) {
        await problem(`${doc}?colour=red`, 400, 'colour');
        await problem(`${doc}?f=xml`, 400, 'f');
        expect((await b.request(`${doc}?f=json`)).status, doc).toBe(200);
      }
      await problem('/api/collections/update-areas/items?datetime=2024-01-01', 400, 'datetime');
      for (const dt of ['yesterday', '2024-13-01', '2024-02-30', '2024-05-01/2024-01-01', 'a/b/c']) {
        await problem(`${items}?datetime=${encodeURIComponent(dt)}`, 400, 'datetime');
      }
      await problem(`${items}?plan_year=${encodeURIComponent('2024 or 1=1')}`, 400, 'plan_year');
      await problem(`${items}?plan_year=99999999999`, 400, 'plan_year');
      await problem(`${items}?verified=yes`, 400, 'verified');
      await problem(`${items}?f=xml`, 400, 'f');
      await problem('/api/collections/signage/items?kind=neon', 400, 'kind');
      const inj = await json(`${items}?emd=${encodeURIComponent("'; drop table wifi; --")}`);
      expect(inj.numberMatched).toBe(0);
      const r406 = await b.request(items, { headers: { Accept: 'application/xml' } });
      expect(r406.status).toBe(406);
      expect(r406.headers.get('content-type')).toContain('application/problem+json');
      await problem('/api/nope', 404);
      await problem('/api/collections/wifi/nope', 404);
      const slash = await b.request('/api/collections/?x=1');
      expect(slash.status).toBe(301);
      expect(slash.headers.get('location')).toBe('/api/collections?x=1');
      expect((await b.request('/api/')).headers.get('location')).toBe('/api');
      await problem('/api/collections/nope', 404, 'collectionId');
      await problem('/api/collections/nope/items', 404, 'collectionId');
      await problem('/api/collections/nope/items/1', 404, 'collectionId');
      await problem('/api/collections/nope/queryables', 404, 'collectionId');
      for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        await problem(`/api/collections/${id}`, 404, 'collectionId');
        await problem(`/api/collections/${id}/items`, 404, 'collectionId');
        await problem(`/api/collections/${id}/items/1`, 404, 'collectionId');
        await problem(`/api/collections/${id}/export`, 404);
      }
      for (const id of ['999999', '0', 'abc', '1.5', '99999999999999', "1'--"]) {
        await problem(`${items}/${encodeURIComponent(id)}`, 404, 'featureId');
      }
      for (const [q, field] of [
        ['lon=200&lat=37', 'lon'],
        ['lon=126&lat=-91', 'lat'],
        ['lon=NaN&lat=37', 'lon'],
        ['lon=Infinity&lat=37', 'lon'],
        ['lat=37', 'lon'],
        ['lon=126.7&lat=37.6&limit=0', 'limit'],
        ['lon=126.7&lat=37.6&limit=101', 'limit'],
        ['lon=126.7&lat=37.6&radius=5', 'radius'],
        ['lon=&lat=', 'lon'],
        ['lon=&lat=', 'lat'],
        ['lon=0x7e&lat=37', 'lon'],
        ['lon=126.7&lat=0b1', 'lat'],
        ['lon=126.7&lat=37.6&limit=', 'limit'],
        ['lon=126.7&lat=37.6&limit=0x10', 'limit'],
      ]) {
        await problem(`/api/wifi/nearest?${q}`, 400, field);
      }
      await problem('/api/search', 400, 'q');
      await problem('/api/search?q=', 400, 'q');
      await problem('/api/search?q=%20%20', 400, 'q');
      await problem(`/api/search?q=${'가'.repeat(100_000)}`, 400, 'q');
      await problem('/api/search?q=a&limit=1000', 400, 'limit');
      await problem('/api/search?q=a&limit=', 400, 'limit');
      const injected = await json(`/api/search?q=${encodeURIComponent("x' or '1'='1")}`);
      expect(injected.features).toHaveLength(0);
      await json(`/api/search?q=${encodeURIComponent("'); delete from wifi; --")}`);
      await problem('/api/stats/coverage?x=1', 400, 'x');
      expect(await counts()).toEqual(before);
    },
  );
});
