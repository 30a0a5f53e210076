import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sridFromPrj } from '../../api/src/import/crs.js';
import { runImport } from '../../api/src/import/run.js';
import { WIFI_CURRENT_COLUMNS } from '../../api/src/import/wifi-standard.js';
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
    expect(text.split('\n')[0]?.trim()).toBe(WIFI_CURRENT_COLUMNS.join(','));
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
