import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectionId } from '../../api/src/collections.js';
import { sridFromPrj } from '../../api/src/import/crs.js';
import { runImport } from '../../api/src/import/run.js';
import { WIFI_CURRENT_COLUMNS, WIFI_EXTRA_COLUMNS } from '../../api/src/import/wifi-standard.js';
import { BACKENDS, openBackend, skipReason, type TestBackend } from '../support/backends.js';

/** The shared fixtures, read in place (never copied into the repository). */
const FIXTURES = process.env.FIXTURES_DIR || path.resolve(process.cwd(), '..', 'shared', 'data', 'fixtures');
const fx = (name: string) => path.join(FIXTURES, name);

describe.each(BACKENDS)('export on %s', (backendName) => {
  const reason = skipReason(backendName) || (fs.existsSync(FIXTURES) ? '' : `no fixtures at ${FIXTURES}`);
  let b: TestBackend;
  let tmp: string;
  const download = async (p: string) => {
    const res = await b.request(p);
    expect(
      res.status,
      await res
        .clone()
        .text()
        .then((t) => t.slice(0, 300)),
    ).toBe(200);
    return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
  };
  const save = (name: string, bytes: Uint8Array) => {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, bytes);
    return f;
  };
  const rows = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(b.db.kysely)).rows;

  beforeAll(async () => {
    if (reason) return;
    b = await openBackend(backendName);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gimpo-export-'));
  });
  afterAll(async () => {
    await b?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it.skipIf(reason)('writes wifi as the Wi-Fi standard CSV (current columns) that imports back unchanged', async () => {
    await runImport(b.db.kysely, {
      collection: 'wifi',
      file: fx('wifi_standard_current_cp949.csv'),
      filter: { 설치시군구명: '김포시' },
      replace: true,
    });
    const snapshot = () =>
      rows(sql<
        Record<string, unknown>
      >`select mgmt_no, name, detail, place_type, provider, ssid, installed_on, address, manager, phone,
        data_date, emd, round(ST_X(geom)::numeric, 7)::text as x, round(ST_Y(geom)::numeric, 7)::text as y from wifi order by mgmt_no`);
    const before = await snapshot();
    expect(before).toHaveLength(13);
    const { res, bytes } = await download('/api/collections/wifi/export?format=csv&encoding=cp949');
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain('wifi.csv');
    const text = iconv.decode(Buffer.from(bytes), 'cp949');
    expect(text.split('\n')[0]?.trim()).toBe([...WIFI_CURRENT_COLUMNS, ...WIFI_EXTRA_COLUMNS].join(','));
    expect(text).toContain('김포시청');
    const r = await runImport(b.db.kysely, { collection: 'wifi', file: save('wifi.csv', bytes), replace: true });
    expect(r).toMatchObject({ status: 'loaded', encoding: 'cp949', inserted: 13, deleted: 13 });
    expect(await snapshot()).toEqual(before);
    // and as a 5186 CP949 point shapefile (DBF names cut to 10 characters: installed_on → installed_)
    const shp = await download('/api/collections/wifi/export?format=shp&srid=5186');
    expect(Object.keys(unzipSync(shp.bytes)).sort()).toEqual([
      'wifi.cpg',
      'wifi.dbf',
      'wifi.prj',
      'wifi.shp',
      'wifi.shx',
    ]);
    const r2 = await runImport(b.db.kysely, { collection: 'wifi', file: save('wifi.zip', shp.bytes), replace: true });
    expect(r2).toMatchObject({ status: 'loaded', srid: 5186, encoding: 'cp949', inserted: 13 });
    expect(await snapshot()).toEqual(before);
  });

  it.skipIf(reason)(
    'writes update-lines as a 5186 CP949 shapefile zip (.prj, .cpg) that imports back unchanged',
    async () => {
      await runImport(b.db.kysely, { collection: 'update-lines', file: fx('WTL_PIPE_LM.zip'), replace: true });
      const snapshot = () =>
        rows(sql<
          Record<string, unknown>
        >`select name, facility, area_id, source, attrs, round(length_m::numeric, 2)::text as m,
        ST_AsGeoJSON(geom, 9) as g from update_lines where facility = 'water' order by attrs->>'FTR_IDN'`);
      const before = await snapshot();
      expect(before).toHaveLength(64);
      const { res, bytes } = await download(
        '/api/collections/update-lines/export?format=shp&srid=5186&encoding=cp949&facility=water',
      );
      expect(res.headers.get('content-type')).toBe('application/zip');
      const entries = unzipSync(bytes);
      expect(Object.keys(entries).sort()).toEqual([
        'WTL_PIPE_LM.cpg',
        'WTL_PIPE_LM.dbf',
        'WTL_PIPE_LM.prj',
        'WTL_PIPE_LM.shp',
        'WTL_PIPE_LM.shx',
      ]);
      expect(sridFromPrj(new TextDecoder().decode(entries['WTL_PIPE_LM.prj']))).toBe(5186);
      expect(new TextDecoder().decode(entries['WTL_PIPE_LM.cpg'])).toBe('CP949');
      const r = await runImport(b.db.kysely, {
        collection: 'update-lines',
        file: save('water.zip', bytes),
        replace: true,
      });
      expect(r).toMatchObject({
        status: 'loaded',
        srid: 5186,
        encoding: 'cp949',
        facility: 'water',
        inserted: 64,
        deleted: 64,
      });
      const after = await snapshot();
      const strip = (xs: Record<string, unknown>[]) => xs.map(({ g: _g, ...rest }) => rest);
      expect(strip(after)).toEqual(strip(before));
      // coordinates travel as 7 decimals of a degree (about 1 cm), then through EPSG:5186 and back
      for (const [i, row] of after.entries()) {
        const a = JSON.parse(String(row.g)).coordinates.flat(2) as number[];
        const b0 = JSON.parse(String(before[i]?.g)).coordinates.flat(2) as number[];
        expect(a).toHaveLength(b0.length);
        for (const [k, v] of a.entries()) expect(Math.abs(v - (b0[k] as number))).toBeLessThan(1e-7);
      }
    },
  );

  it.skipIf(reason)(
    'writes admin-areas as GeoJSON and as a 4326 UTF-8 shapefile, both importing back unchanged',
    async () => {
      await runImport(b.db.kysely, { collection: 'admin-areas', file: fx('TL_SCCO_GEMD.zip'), replace: true });
      const snapshot = () =>
        rows(sql<
          Record<string, unknown>
        >`select code, name_ko, name_en, source, data_date, verified, round((ST_Area(geom::geography) / 1e6)::numeric, 4)::text as km2
        from admin_areas order by code`);
      const before = await snapshot();
      expect(before).toHaveLength(13);
      const gj = await download('/api/collections/admin-areas/export?format=geojson');
      expect(gj.res.headers.get('content-type')).toBe('application/geo+json');
      const fc = JSON.parse(new TextDecoder().decode(gj.bytes));
      expect(fc.features).toHaveLength(13);
      expect(fc.crs).toBeUndefined();
      await runImport(b.db.kysely, { collection: 'admin-areas', file: save('admin.geojson', gj.bytes), replace: true });
      expect(await snapshot()).toEqual(before);
      const shp = await download('/api/collections/admin-areas/export?format=shp&srid=4326&encoding=utf-8');
      const r = await runImport(b.db.kysely, {
        collection: 'admin-areas',
        file: save('admin.zip', shp.bytes),
        replace: true,
      });
      expect(r).toMatchObject({ status: 'loaded', srid: 4326, encoding: 'utf-8', inserted: 13 });
      expect(await snapshot()).toEqual(before);
    },
  );

  it.skipIf(reason)(
    'exports a filtered selection in EPSG:5186 GeoJSON, and refuses a bad format with 400',
    async () => {
      await runImport(b.db.kysely, { collection: 'update-lines', file: fx('RDL_CTLR_LS.zip'), replace: true });
      const { bytes } = await download('/api/collections/update-lines/export?format=geojson&srid=5186&facility=road');
      const fc = JSON.parse(new TextDecoder().decode(bytes));
      expect(fc.crs.properties.name).toBe('urn:ogc:def:crs:EPSG::5186');
      expect(fc.features).toHaveLength(34);
      expect(fc.features.every((f: { properties: { facility: string } }) => f.properties.facility === 'road')).toBe(
        true,
      );
      const [x, y] = fc.features[0].geometry.coordinates[0][0];
      expect(x).toBeGreaterThan(150000);
      expect(y).toBeGreaterThan(550000);
      const bad = await b.request('/api/collections/wifi/export?format=kml');
      expect(bad.status).toBe(400);
      expect((await bad.json()).errors[0].field).toBe('format');
    },
  );
});

/** A table's rows as stored, without ids and bookkeeping, with the geometry's coordinates (rings CCW). */
interface Whole {
  row: Record<string, unknown>;
  coords: number[];
}

/**
 * Asserts two snapshots hold the same rows: every column equal, except `length_m` (computed from the
 * geometry: within 5 cm) and the `cut` columns (a shapefile's 254-byte text: the prefix of the original);
 * coordinates within 1e-7 degrees (about 1 cm: 7 decimals, or EPSG:5186 and back).
 */
function expectSameRows(after: Whole[], before: Whole[], cut: Set<string> = new Set()): void {
  expect(after).toHaveLength(before.length);
  const sortKey = (w: Whole) =>
    JSON.stringify(Object.entries(w.row).filter(([k]) => k !== 'length_m' && !cut.has(k))) +
    w.coords.map((c) => c.toFixed(5)).join(',');
  const a = [...after].sort((x, y) => sortKey(x).localeCompare(sortKey(y)));
  const b = [...before].sort((x, y) => sortKey(x).localeCompare(sortKey(y)));
  for (const [i, w] of a.entries()) {
    const o = b[i] as Whole;
    const plain = (r: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'length_m' && !cut.has(k)));
    expect(plain(w.row)).toEqual(plain(o.row));
    if ('length_m' in o.row) expect(Math.abs(Number(w.row.length_m) - Number(o.row.length_m))).toBeLessThan(0.05);
    for (const k of cut) {
      const was = String(o.row[k] ?? '');
      const now = String(w.row[k] ?? '');
      expect(was.startsWith(now), `${k}: "${now.slice(0, 40)}…" is not a prefix of "${was.slice(0, 40)}…"`).toBe(true);
    }
    expect(w.coords).toHaveLength(o.coords.length);
    for (const [k, v] of w.coords.entries()) expect(Math.abs(v - (o.coords[k] as number))).toBeLessThan(1e-7);
  }
}

describe.each(BACKENDS)('export → import round trips on %s', (backendName) => {
  const reason = skipReason(backendName);
  let b: TestBackend;
  let tmp: string;
  const whole = async (table: string): Promise<Whole[]> => {
    const r = await sql<{ row: Record<string, unknown>; g: string }>`
      select to_jsonb(t) - array['id', 'key', 'version', 'created_at', 'updated_at', 'geom', 'geom_3857'] as row,
        ST_AsGeoJSON(ST_ForcePolygonCCW(geom), 9) as g
      from ${sql.table(table)} t`.execute(b.db.kysely);
    return r.rows.map((x) => ({ row: x.row, coords: (JSON.parse(x.g).coordinates as unknown[]).flat(3) as number[] }));
  };
  /** Downloads `/api/collections/{id}/export?{query}` and imports it back with --replace. */
  const roundTrip = async (id: CollectionId, query: string, name: string) => {
    const res = await b.request(`/api/collections/${id}/export?${query}`);
    const body = new Uint8Array(await res.arrayBuffer());
    expect(res.status, new TextDecoder().decode(body.slice(0, 300))).toBe(200);
    const file = path.join(tmp, name);
    fs.writeFileSync(file, body);
    const report = await runImport(b.db.kysely, { collection: id, file, replace: true });
    expect(report, JSON.stringify(report.errors.slice(0, 3))).toMatchObject({ status: 'loaded', invalid: 0 });
    return { res, body, report };
  };

  beforeAll(async () => {
    if (reason) return;
    b = await openBackend(backendName);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gimpo-roundtrip-'));
  });
  afterAll(async () => {
    await b?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it.skipIf(reason)(
    'the Wi-Fi standard CSV (UTF-8 and CP949) restores whole rows: the project columns follow the standard ones',
    async () => {
      const before = await whole('wifi');
      expect(before.length).toBeGreaterThan(10);
      // the seeded sites carry plan_year, emd, notes, the demo flag and long sources: all must come back
      expect(before.some((w) => w.row.plan_year !== null && w.row.demo === false)).toBe(true);
      const utf8 = await roundTrip('wifi', 'format=csv', 'wifi-utf8.csv');
      expect(utf8.report).toMatchObject({ encoding: 'utf-8', inserted: before.length, deleted: before.length });
      const lines = new TextDecoder()
        .decode(utf8.body)
        .replace(/^\uFEFF/, '')
        .split('\n');
      expect(lines[0]?.trim()).toBe([...WIFI_CURRENT_COLUMNS, ...WIFI_EXTRA_COLUMNS].join(','));
      // 개방자치단체코드 is Gimpo's, and a 지번 address goes to 소재지지번주소
      const daemyeong = lines.find((l) => l.includes('대명항')) ?? '';
      expect(daemyeong.startsWith('4150000,')).toBe(true);
      expect(daemyeong).toContain(',,경기도 김포시 대곶면 대명리 561,');
      expectSameRows(await whole('wifi'), before);
      const cp949 = await roundTrip('wifi', 'format=csv&encoding=cp949', 'wifi-cp949.csv');
      expect(cp949.report).toMatchObject({ encoding: 'cp949', inserted: before.length });
      expectSameRows(await whole('wifi'), before);
    },
  );

  it.skipIf(reason)('update-lines as CSV restore whole rows (no bogus attrs.geometry)', async () => {
    const before = await whole('update_lines');
    expect(before.length).toBeGreaterThan(500);
    const r = await roundTrip('update-lines', 'format=csv', 'lines.csv');
    expect(r.report).toMatchObject({ inserted: before.length, deleted: before.length });
    const after = await whole('update_lines');
    expect(after.filter((w) => JSON.stringify(w.row.attrs ?? {}).includes('geometry'))).toEqual([]);
    expectSameRows(after, before);
  });

  for (const id of ['sculptures', 'signage', 'update-areas'] as const) {
    const table = id.replace('-', '_');
    it.skipIf(reason)(`${id}: GeoJSON, CSV, EPSG:5186 GeoJSON and a 5186 shapefile import back unchanged`, async () => {
      const before = await whole(table);
      expect(before.length).toBeGreaterThan(3);
      for (const [query, name] of [
        ['format=geojson', `${id}.geojson`],
        ['format=csv', `${id}.csv`],
        ['format=geojson&srid=5186', `${id}_5186.geojson`],
      ] as const) {
        const r = await roundTrip(id, query, name);
        expect(r.report.srid).toBe(query.includes('5186') ? 5186 : 4326);
        expectSameRows(await whole(table), before);
      }
      // a shapefile: the warning names the columns cut at 254 bytes (the long seeded sources and notes)
      const shp = await roundTrip(id, 'format=shp&srid=5186', `${id}.zip`);
      expect(shp.report).toMatchObject({ srid: 5186, inserted: before.length });
      const warning = shp.res.headers.get('warning') ?? '';
      expect(warning).toMatch(/^299 gimpo-map ".*at most 254 bytes: \d+ value\(s\) were cut \(([a-z_, ]+)\)/);
      const cut = new Set((/were cut \(([^)]*)\)/.exec(warning)?.[1] ?? '').split(', '));
      expect(cut.has('source')).toBe(true);
      expectSameRows(await whole(table), before, cut);
    });
  }

  it.skipIf(reason)(
    'never turns a character into "?": explicit CP949 is refused naming field and row; the shapefile default falls back to UTF-8',
    async () => {
      // the seeded update lines' sources hold "—" (U+2014), which CP949 has no code for
      const [first] = (
        await sql<{ id: number; source: string }>`select id, source from update_lines order by id limit 1`.execute(
          b.db.kysely,
        )
      ).rows;
      expect(first?.source).toContain('—');
      for (const format of ['csv', 'shp']) {
        const res = await b.request(`/api/collections/update-lines/export?format=${format}&encoding=cp949`);
        expect(res.status).toBe(400);
        const problem = await res.json();
        expect(problem.detail).toMatch(/CP949 cannot hold \d+ value\(s\).*"—" \(U\+2014\).*encoding=utf-8/);
        expect(problem.errors[0]).toMatchObject({
          field: 'source',
          row: format === 'csv' ? 2 : 1,
          message: `feature ${first?.id}: "—" (U+2014) has no CP949 code`,
        });
      }
      // no encoding asked: CP949 when it can hold everything (admin areas), else UTF-8 with a warning
      const admin = await b.request('/api/collections/admin-areas/export?format=shp');
      expect(admin.headers.get('x-export-encoding')).toBe('cp949');
      expect(admin.headers.get('warning')).toBeNull();
      const r = await roundTrip('update-lines', 'format=shp&facility=water', 'water.zip');
      expect(r.res.headers.get('x-export-encoding')).toBe('utf-8');
      expect(r.res.headers.get('warning')).toMatch(/written as UTF-8 .*instead of the default CP949.*\(U\+2014\)/);
      expect(new TextDecoder().decode(unzipSync(r.body)['WTL_PIPE_LM.cpg'])).toBe('UTF-8');
      expect(r.report.encoding).toBe('utf-8');
      const back = await sql<{ n: number }>`
        select count(*)::int as n from update_lines where facility = 'water' and source like '%—%'`.execute(
        b.db.kysely,
      );
      expect(back.rows[0]?.n).toBe(r.report.inserted);
    },
  );
});
