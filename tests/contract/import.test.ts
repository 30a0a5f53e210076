import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../api/src/collections.js';
import { ApiError } from '../../api/src/errors.js';
import { exportCollection } from '../../api/src/export/index.js';
import { BATCH_SIZE, runImport } from '../../api/src/import/run.js';
import type { ImportOptions, ImportReport } from '../../api/src/import/types.js';
import { generateWifiCsv } from '../../scripts/gen-wifi-csv.js';
import { BACKENDS, openBackend, skipReason, type TestBackend } from '../support/backends.js';
import { type Staff, staff } from '../support/staff.js';

/** The shared fixtures, read in place (never copied into the repository). */
const FIXTURES = process.env.FIXTURES_DIR || path.resolve(process.cwd(), '..', 'shared', 'data', 'fixtures');
const fx = (name: string) => path.join(FIXTURES, name);
const GIMPO = { 설치시군구명: '김포시' };

describe.each(BACKENDS)('import on %s', (backendName) => {
  const reason = skipReason(backendName) || (fs.existsSync(FIXTURES) ? '' : `no fixtures at ${FIXTURES}`);
  let b: TestBackend;
  let tmp: string;
  const imp = (o: Omit<ImportOptions, 'file'> & { file: string }) => runImport(b.db.kysely, o);
  const count = async (table: string, where = sql`true`) =>
    (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${where}`.execute(b.db.kysely))
      .rows[0]?.n ?? 0;
  const rows = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(b.db.kysely)).rows;

  beforeAll(async () => {
    if (reason) return;
    b = await openBackend(backendName);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gimpo-import-'));
  });
  afterAll(async () => {
    await b?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it.skipIf(reason)(
    'loads the 13 Gimpo rows of the current CP949 Wi-Fi file, Korean decoded, and audits it',
    async () => {
      const before = await count('wifi');
      const r = await imp({ collection: 'wifi', file: fx('wifi_standard_current_cp949.csv'), filter: GIMPO });
      expect(r).toMatchObject({ status: 'loaded', encoding: 'cp949', read: 15, filtered: 2, inserted: 13, invalid: 0 });
      expect(await count('wifi')).toBe(before + 13);
      const hall = await rows(sql<{
        name: string;
        detail: string;
        installed_on: string;
        emd: string;
        lon: number;
        lat: number;
      }>`
      select name, detail, installed_on, emd, ST_X(geom) as lon, ST_Y(geom) as lat from wifi where mgmt_no = 'GP-WIFI-0001'`);
      expect(hall[0]).toMatchObject({
        name: '김포시청',
        detail: '본청 1층 민원실',
        installed_on: '2023-06',
        emd: '사우동',
      });
      expect(hall[0]?.lon).toBeCloseTo(126.7156, 6);
      expect(hall[0]?.lat).toBeCloseTo(37.6153, 6);
      const audit = await rows(sql<{ detail: Record<string, unknown>; action: string }>`
      select action, detail from audit_log where action = 'import' order by id desc limit 1`);
      expect(audit[0]?.detail).toMatchObject({ file: 'wifi_standard_current_cp949.csv', inserted: 13, filtered: 2 });
    },
  );

  it.skipIf(reason)('reads the legacy UTF-8-with-BOM generation by header name into the same 13 rows', async () => {
    const snapshot = () =>
      rows(sql<{ name: string; place_type: string; installed_on: string; x: string; y: string }>`
        select name, place_type, installed_on, round(ST_X(geom)::numeric, 6)::text as x, round(ST_Y(geom)::numeric, 6)::text as y
        from wifi where source like 'wifi_standard_%' order by name`);
    const current = await snapshot();
    const dry = await imp({
      collection: 'wifi',
      file: fx('wifi_standard_legacy_utf8bom.csv'),
      filter: GIMPO,
      dryRun: true,
      previewRows: 5,
    });
    expect(dry).toMatchObject({ status: 'dry-run', encoding: 'utf-8', valid: 13, inserted: 0 });
    expect(dry.preview?.features).toHaveLength(5);
    await sql`delete from wifi where source like 'wifi_standard_current%'`.execute(b.db.kysely);
    const r = await imp({ collection: 'wifi', file: fx('wifi_standard_legacy_utf8bom.csv'), filter: GIMPO });
    expect(r).toMatchObject({ status: 'loaded', inserted: 13 });
    expect(await snapshot()).toEqual(current);
    // no 관리번호 in that generation: the same name at the same spot is still caught as a duplicate
    const again = await imp({ collection: 'wifi', file: fx('wifi_standard_legacy_utf8bom.csv'), filter: GIMPO });
    expect(again).toMatchObject({ status: 'refused', invalid: 13 });
    expect(again.errors[0]).toMatchObject({
      field: '설치장소명',
      message: expect.stringMatching(/duplicate: 김포시청@37\.615300,126\.715600/),
    });
    // restore the current generation (with 관리번호) for the next tests
    await sql`delete from wifi where source like 'wifi_standard_legacy%'`.execute(b.db.kysely);
    expect(
      (await imp({ collection: 'wifi', file: fx('wifi_standard_current_cp949.csv'), filter: GIMPO })).inserted,
    ).toBe(13);
  });

  it.skipIf(reason)('refuses the national file unfiltered, naming the two Seoul rows', async () => {
    const before = await count('wifi');
    const r = await imp({ collection: 'wifi', file: fx('wifi_standard_current_cp949.csv'), replace: true });
    expect(r.status).toBe('refused');
    expect(r.errors.map((e) => e.row)).toEqual([15, 16]);
    expect(r.errors[0]?.message).toMatch(/outside Gimpo/);
    expect(await count('wifi')).toBe(before);
  });

  it.skipIf(reason)('refuses the bad-rows file whole, naming all eight bad rows and their fields', async () => {
    // self-contained: row 8 repeats 관리번호 GP-WIFI-0001, which the layer must already hold
    await sql`delete from wifi where mgmt_no like 'GP-WIFI-%'`.execute(b.db.kysely);
    expect(
      (await imp({ collection: 'wifi', file: fx('wifi_standard_current_cp949.csv'), filter: GIMPO })).inserted,
    ).toBe(13);
    const before = await count('wifi');
    const audits = await count('audit_log');
    const r = await imp({ collection: 'wifi', file: fx('wifi_bad_rows_cp949.csv') });
    expect(r).toMatchObject({ status: 'refused', read: 9, valid: 1, invalid: 8, inserted: 0, errorCount: 10 });
    expect(r.errors.map((e) => [e.row, e.field])).toEqual([
      [2, 'WGS84위도,WGS84경도'],
      [3, 'WGS84위도'],
      [4, '설치장소명'],
      [5, '설치연월'],
      [6, 'WGS84위도'],
      [6, 'WGS84경도'],
      [7, 'WGS84위도'],
      [7, 'WGS84경도'],
      [8, '관리번호'],
      [9, '설치장소상세'],
    ]);
    const byRow = new Map<number, string>();
    for (const e of r.errors)
      byRow.set(e.row as number, `${byRow.get(e.row as number) ?? ''}${e.field}: ${e.message}; `);
    expect([...byRow.keys()]).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(byRow.get(2)).toMatch(/WGS84위도,WGS84경도: latitude 126\.7156 and longitude 37\.6153 are swapped/);
    expect(byRow.get(3)).toMatch(/^WGS84위도: latitude 137\.6153 is out of range/);
    expect(byRow.get(4)).toMatch(/^설치장소명: is required and empty; $/);
    expect(byRow.get(5)).toMatch(/^설치연월: impossible install month "1905-01"/);
    expect(byRow.get(6)).toMatch(/^WGS84위도: latitude is empty.*; WGS84경도: longitude is empty/);
    expect(byRow.get(7)).toMatch(/^WGS84위도: "37\.6x" is not a number; WGS84경도: "126\.7y" is not a number; $/);
    expect(byRow.get(8)).toMatch(/^관리번호: duplicate: GP-WIFI-0001 is already in wifi; $/);
    expect(byRow.get(9)).toMatch(/^설치장소상세: the row has 3 columns, the header has 17/);
    expect(await count('wifi')).toBe(before);
    expect(await count('audit_log')).toBe(audits);
  });

  it.skipIf(reason)(
    'all or nothing past the first batches: a bad row after 2,000 inserted rows leaves nothing written',
    async () => {
      const file = path.join(tmp, 'wifi_2500_bad_near_end.csv');
      await generateWifiCsv(file, 2500, 11);
      const lines = iconv.decode(fs.readFileSync(file), 'cp949').split('\n');
      // line 2451 (row 2,450 of data): a latitude that is not a number
      lines[2450] = (lines[2450] as string).replace(/,37\.\d+,126\.(\d+),2024-12-31/, ',북위,126.$1,2024-12-31');
      fs.writeFileSync(file, iconv.encode(lines.join('\n'), 'cp949'));
      const before = await count('wifi');
      const audits = await count('audit_log');
      const r = await imp({ collection: 'wifi', file });
      expect(BATCH_SIZE * 2).toBeLessThan(2450);
      expect(r).toMatchObject({ status: 'refused', read: 2500, valid: 2499, invalid: 1, inserted: 0 });
      expect(r.errors).toEqual([{ row: 2451, field: 'WGS84위도', message: '"북위" is not a number' }]);
      expect(await count('wifi')).toBe(before);
      expect(await count('wifi', sql`mgmt_no like 'GP-BENCH-%'`)).toBe(0);
      expect(await count('audit_log')).toBe(audits);
    },
  );

  it.skipIf(reason)(
    '--filter comes before read errors: a short row of another city is filtered out, one it cannot read is not',
    async () => {
      const head = 'WGS84위도,WGS84경도,설치시군구명,설치장소명,관리번호,설치연월,데이터기준일자';
      const ok = (n: number) => `37.6${n}00,126.6${n}00,김포시,필터 시험 ${n},GP-FILTER-${n},2024-0${n},2024-12-31`;
      const file = path.join(tmp, 'wifi_filter.csv');
      // the Seoul row stops after 설치시군구명: too few columns, but its city can be read
      fs.writeFileSync(file, `${head}\n${ok(1)}\n37.5665,126.9780,중구\n${ok(2)}\n`);
      const r = await imp({ collection: 'wifi', file, filter: GIMPO, dryRun: true });
      expect(r).toMatchObject({ status: 'dry-run', read: 3, filtered: 1, valid: 2, invalid: 0 });
      // a short row that ends before 설치시군구명 cannot be told apart: it is still refused, by name
      fs.writeFileSync(file, `${head}\n${ok(1)}\n37.5665,126.9780,중구\n37.5665\n${ok(2)}\n`);
      const bad = await imp({ collection: 'wifi', file, filter: GIMPO, dryRun: true });
      expect(bad).toMatchObject({ status: 'refused', filtered: 1, invalid: 1 });
      expect(bad.errors).toEqual([
        { row: 4, field: 'WGS84경도', message: expect.stringMatching(/the row has 1 columns, the header has 7/) },
      ]);
      // and a short Gimpo row is refused as before
      fs.writeFileSync(file, `${head}\n${ok(1)}\n37.6,126.6,김포시\n`);
      const gimpo = await imp({ collection: 'wifi', file, filter: GIMPO, dryRun: true });
      expect(gimpo).toMatchObject({ status: 'refused', filtered: 0, invalid: 1 });
    },
  );

  it.skipIf(reason)('--dry-run reports without writing; --skip-invalid loads exactly the one valid row', async () => {
    const before = await count('wifi');
    const dry = await imp({ collection: 'wifi', file: fx('wifi_bad_rows_cp949.csv'), skipInvalid: true, dryRun: true });
    expect(dry).toMatchObject({ status: 'dry-run', valid: 1, invalid: 8, inserted: 0 });
    expect(await count('wifi')).toBe(before);
    const r = await imp({ collection: 'wifi', file: fx('wifi_bad_rows_cp949.csv'), skipInvalid: true });
    expect(r).toMatchObject({ status: 'loaded', valid: 1, invalid: 8, inserted: 1 });
    expect(r.errors.map((e) => e.row)).toContain(8);
    expect(await count('wifi')).toBe(before + 1);
    const valid = await rows(sql<{ name: string }>`select name from wifi where mgmt_no = 'GP-WIFI-9009'`);
    expect(valid).toEqual([{ name: '정상 행' }]);
  });

  const lineCases = [
    { layer: 'WTL_PIPE_LM', facility: 'water', n: 64, km: 31.63, area: 'update-2024-water-tongjin-wolgot-haseong' },
    { layer: 'SWL_PIPE_LM', facility: 'sewer', n: 9, km: 5.387, area: undefined },
    { layer: 'RDL_CTLR_LS', facility: 'road', n: 34, km: 18.164, area: 'update-2024-road-wolgot' },
  ] as const;
  for (const c of lineCases) {
    it.skipIf(reason)(
      `loads ${c.layer}.zip (EPSG:5186, CP949 .cpg) as ${c.n} ${c.facility} lines of ${c.km} km, attributes kept`,
      async () => {
        const r = await imp({ collection: 'update-lines', file: fx(`${c.layer}.zip`) });
        expect(r).toMatchObject({
          status: 'loaded',
          srid: 5186,
          sridFrom: 'prj',
          encoding: 'cp949',
          facility: c.facility,
          inserted: c.n,
        });
        const mine = sql`l.source like ${`${c.layer}.zip%`}`;
        const [agg] = await rows(sql<{ n: number; km: number; areas: number }>`
        select count(*)::int as n, sum(length_m) / 1000 as km, count(distinct area_id)::int as areas
        from update_lines l where ${mine} and facility = ${c.facility}`);
        expect(agg?.n).toBe(c.n);
        expect(Math.abs((agg?.km ?? 0) - c.km) / c.km).toBeLessThan(0.005);
        const [one] = await rows(sql<{ attrs: Record<string, unknown>; name: string }>`
        select attrs, name from update_lines l where ${mine} order by id limit 1`);
        expect(one?.attrs).toMatchObject({ FTR_IDN: expect.any(Number), IST_YMD: expect.stringMatching(/^\d{8}$/) });
        expect(String(one?.attrs.CNT_NUM ?? one?.name)).toMatch(/[가-힣]/);
        if (c.area) {
          const [a] = await rows(sql<{
            ok: number;
          }>`select count(*)::int as ok from update_lines l join update_areas a on a.id = l.area_id
          where ${mine} and a.key = ${c.area}`);
          expect(a?.ok).toBe(c.n);
        }
      },
    );
  }

  it.skipIf(reason)('re-importing the same layer is refused as duplicates (FTR_IDN), --replace swaps it', async () => {
    const r = await imp({ collection: 'update-lines', file: fx('SWL_PIPE_LM.zip') });
    expect(r.status).toBe('refused');
    expect(r.errors[0]).toMatchObject({ field: 'FTR_IDN', message: expect.stringMatching(/duplicate/) });
    const sewer = await count('update_lines', sql`facility = 'sewer'`);
    const again = await imp({ collection: 'update-lines', file: fx('SWL_PIPE_LM.zip'), replace: true });
    expect(again).toMatchObject({ status: 'loaded', inserted: 9, deleted: sewer });
    expect(await count('update_lines', sql`facility = 'sewer'`)).toBe(9);
  });

  it.skipIf(reason)(
    'loads TL_SCCO_GEMD.zip (EPSG:5179 ESRI .prj, CP949 without .cpg): 13 areas, 278.2 km², Korean names',
    async () => {
      const r = await imp({ collection: 'admin-areas', file: fx('TL_SCCO_GEMD.zip'), replace: true });
      expect(r).toMatchObject({ status: 'loaded', srid: 5179, encoding: 'cp949', inserted: 13 });
      const [agg] = await rows(sql<{ n: number; km2: number }>`
      select count(*)::int as n, sum(ST_Area(geom::geography)) / 1e6 as km2 from admin_areas`);
      expect(agg?.n).toBe(13);
      expect(Math.abs((agg?.km2 ?? 0) - 278.2) / 278.2).toBeLessThan(0.005);
      // the shapefile's clockwise outer rings are stored counter-clockwise (RFC 7946 right-hand rule)
      const [ccw] = await rows(sql<{ n: number }>`
      select count(*)::int as n from admin_areas where ST_IsPolygonCCW(geom)`);
      expect(ccw?.n).toBe(13);
      const names = (await rows(sql<{ name_ko: string }>`select name_ko from admin_areas order by code`)).map(
        (x) => x.name_ko,
      );
      expect(names).toContain('통진읍');
      expect(names).toContain('김포본동');
    },
  );

  it.skipIf(reason)(
    'an update-areas --replace re-links the lines to the areas they lie in, and the audit row counts what it replaced',
    async () => {
      const links = () =>
        rows(sql<{ line: number; area: string | null }>`
        select l.id as line, a.name as area from update_lines l left join update_areas a on a.id = l.area_id order by l.id`);
      const before = await links();
      const linked = before.filter((x) => x.area !== null).length;
      expect(linked).toBeGreaterThan(0);
      const areas = await count('update_areas');
      const geojson = await exportCollection(b.db.kysely, COLLECTIONS['update-areas'], { format: 'geojson' });
      const file = path.join(tmp, 'areas.geojson');
      fs.writeFileSync(file, geojson.body);
      const r = await imp({ collection: 'update-areas', file, replace: true });
      expect(r).toMatchObject({ status: 'loaded', inserted: areas, deleted: areas, linesAssigned: linked });
      // new ids, the same areas: every line is back in the area it was in
      expect(await links()).toEqual(before);
      const [audit] = await rows(sql<{ detail: Record<string, unknown> }>`
      select detail from audit_log where action = 'import' and collection = 'update-areas' order by id desc limit 1`);
      expect(audit?.detail).toMatchObject({
        replace: true,
        replaced: areas,
        deleted: areas,
        inserted: areas,
        linesAssigned: linked,
      });
    },
  );

  it.skipIf(reason)(
    'an update-lines export re-imported after its areas were replaced: stale area ids are reassigned, never a raw FK error',
    async () => {
      const csv = await exportCollection(b.db.kysely, COLLECTIONS['update-lines'], {
        format: 'csv',
        query: { filters: { facility: 'water' } },
      });
      const linesFile = path.join(tmp, 'water-lines.csv');
      fs.writeFileSync(linesFile, csv.body);
      const links = () =>
        rows(sql<{ name: string | null; area: string | null }>`
        select l.name, a.name as area from update_lines l left join update_areas a on a.id = l.area_id
        where l.facility = 'water' order by l.attrs->>'FTR_IDN', l.name`);
      const before = await links();
      expect(before.some((x) => x.area !== null)).toBe(true);
      // the areas come back with new ids: the ids in the lines' export no longer exist
      const areas = await exportCollection(b.db.kysely, COLLECTIONS['update-areas'], { format: 'geojson' });
      const areasFile = path.join(tmp, 'areas-again.geojson');
      fs.writeFileSync(areasFile, areas.body);
      expect((await imp({ collection: 'update-areas', file: areasFile, replace: true })).status).toBe('loaded');
      const others = await count('update_lines', sql`facility <> 'water'`);
      const r = await imp({ collection: 'update-lines', file: linesFile, replace: true });
      // the export holds water lines only: --replace swaps those and leaves the other facilities alone
      expect(r).toMatchObject({ status: 'loaded', inserted: before.length, deleted: before.length });
      expect(await count('update_lines', sql`facility <> 'water'`)).toBe(others);
      expect(r.warnings.join(' ')).toMatch(
        /update area id\(s\) that do not exist .*assigned to the update area it lies in/,
      );
      // the same lines are in an area again; where areas overlap the rule picks the one holding most of the line
      const after = await links();
      expect(after.map((x) => [x.name, x.area !== null])).toEqual(before.map((x) => [x.name, x.area !== null]));
      const [bad] = await rows(sql<{ n: number }>`
        select count(*)::int as n from update_lines l join update_areas a on a.id = l.area_id
        where l.facility = 'water' and (a.facility <> l.facility
          or ST_Length(ST_Intersection(a.geom, l.geom)::geography) < 0.5 * ST_Length(l.geom::geography))`);
      expect(bad?.n).toBe(0);
    },
  );

  it.skipIf(reason)(
    'refuses a layer aimed at the wrong collection, and a shapefile without .prj unless --srid',
    async () => {
      await expect(imp({ collection: 'wifi', file: fx('WTL_PIPE_LM.zip') })).rejects.toThrow(/belongs in update-lines/);
      const dir = path.join(tmp, 'noprj');
      fs.mkdirSync(dir, { recursive: true });
      for (const [name, bytes] of Object.entries(unzipSync(new Uint8Array(fs.readFileSync(fx('RDL_CTLR_LS.zip')))))) {
        if (!name.endsWith('.prj')) fs.writeFileSync(path.join(dir, path.basename(name)), bytes);
      }
      const shp = path.join(dir, 'RDL_CTLR_LS.shp');
      const err = await imp({ collection: 'update-lines', file: shp, dryRun: true, replace: true }).catch((e) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err.errors[0]).toMatchObject({ field: 'srid' });
      const r = await imp({ collection: 'update-lines', file: shp, srid: 5186, dryRun: true, replace: true });
      expect(r).toMatchObject({ status: 'dry-run', valid: 34, sridFrom: 'option' });
    },
  );

  it.skipIf(reason)(
    'guards the 5181/5186 mix-up: 5186 data read as 5181 lands 100 km north and is refused with the cause',
    async () => {
      const before = await count('update_lines');
      const r: ImportReport = await imp({
        collection: 'update-lines',
        file: fx('WTL_PIPE_LM.zip'),
        srid: 5181,
        replace: true,
      });
      expect(r.status).toBe('refused');
      expect(r.invalid).toBe(64);
      expect(r.hint).toMatch(/100 km north.*EPSG:5186/);
      expect(r.errors[0]?.message).toMatch(/outside Gimpo/);
      expect(await count('update_lines')).toBe(before);
    },
  );
});

describe.each(BACKENDS)('import over HTTP on %s', (backendName) => {
  const reason = skipReason(backendName) || (fs.existsSync(FIXTURES) ? '' : `no fixtures at ${FIXTURES}`);
  let b: TestBackend;
  let it_: Staff;
  let pr: Staff;
  const upload = (file: string, type = 'text/csv') => {
    const form = new FormData();
    form.append('file', new Blob([fs.readFileSync(fx(file))], { type }), file);
    return { method: 'POST', body: form } satisfies RequestInit;
  };
  const wifiCount = async () =>
    (await sql<{ n: number }>`select count(*)::int as n from wifi`.execute(b.db.kysely)).rows[0]?.n ?? 0;
  const poll = async (who: Staff, id: string) => {
    for (let i = 0; i < 200; i++) {
      const res = await who.request(`/api/imports/${id}`);
      expect(res.status).toBe(200);
      const job = await res.json();
      if (job.status !== 'running') return job;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('import did not finish');
  };

  beforeAll(async () => {
    if (reason) return;
    b = await openBackend(backendName);
    it_ = await staff(b, 'it-lee', 'it');
    pr = await staff(b, 'pr-park', 'pr');
  });
  afterAll(async () => {
    await b?.close();
  });

  it.skipIf(reason)('needs a session (401) and a role that edits the collection (403)', async () => {
    const anon = await b.request('/api/imports?collection=wifi', {
      ...upload('wifi_standard_current_cp949.csv'),
      headers: { origin: 'http://localhost' },
    });
    expect(anon.status).toBe(401);
    expect(anon.headers.get('content-type')).toContain('application/problem+json');
    const wrong = await pr.request('/api/imports?collection=wifi', upload('wifi_standard_current_cp949.csv'));
    expect(wrong.status).toBe(403);
  });

  it.skipIf(reason)(
    'previews the first rows as GeoJSON without writing, then loads on confirm with progress to 100 %',
    async () => {
      const before = await wifiCount();
      const q = `collection=wifi&preview=true&filter=${encodeURIComponent('설치시군구명=김포시')}`;
      const res = await it_.request(`/api/imports?${q}`, upload('wifi_standard_current_cp949.csv'));
      expect(res.status).toBe(200);
      const job = await res.json();
      expect(job).toMatchObject({
        status: 'previewed',
        report: { status: 'dry-run', valid: 13, filtered: 2, encoding: 'cp949' },
      });
      expect(job.report.preview.features).toHaveLength(13);
      expect(job.report.preview.features[0]).toMatchObject({
        type: 'Feature',
        geometry: { type: 'Point' },
        properties: { name: '김포시청' },
      });
      expect(job.links.map((l: { rel: string }) => l.rel)).toContain('confirm');
      expect(await wifiCount()).toBe(before);

      const confirm = await it_.request(`/api/imports/${job.id}/confirm`, { method: 'POST' });
      expect(confirm.status).toBe(202);
      expect(confirm.headers.get('location')).toBe(`/api/imports/${job.id}`);
      const done = await poll(it_, job.id);
      expect(done).toMatchObject({ status: 'loaded', progress: { percent: 100 }, report: { inserted: 13 } });
      expect(await wifiCount()).toBe(before + 13);
      const audit = await sql<{
        username: string;
      }>`select username from audit_log where action = 'import' order by id desc limit 1`.execute(b.db.kysely);
      expect(audit.rows[0]?.username).toBe('it-lee');
      expect((await it_.request(`/api/imports/${job.id}/confirm`, { method: 'POST' })).status).toBe(409);
      expect((await pr.request(`/api/imports/${job.id}`)).status).toBe(403);
    },
  );

  it.skipIf(reason)('reports a refused upload with every bad row, and writes nothing', async () => {
    const before = await wifiCount();
    const res = await it_.request('/api/imports?collection=wifi', upload('wifi_bad_rows_cp949.csv'));
    expect(res.status).toBe(202);
    const job = await poll(it_, (await res.json()).id);
    expect(job.status).toBe('refused');
    expect([...new Set(job.report.errors.map((e: { row: number }) => e.row))]).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await wifiCount()).toBe(before);
  });

  it.skipIf(reason)(
    'takes the file itself as a streamed body named by ?name=, and refuses one over the limit with 413',
    async () => {
      const body = fs.readFileSync(fx('WTL_PIPE_LM.zip'));
      const res = await it_.request('/api/imports?collection=update-lines&name=WTL_PIPE_LM.zip&preview=true', {
        method: 'POST',
        headers: { 'content-type': 'application/zip' },
        body,
      });
      expect(res.status).toBe(403); // update-lines belong to gis
      const gis = await staff(b, 'gis-choi', 'gis');
      const ok = await gis.request('/api/imports?collection=update-lines&name=WTL_PIPE_LM.zip&preview=true', {
        method: 'POST',
        headers: { 'content-type': 'application/zip' },
        body,
      });
      expect(ok.status).toBe(200);
      expect((await ok.json()).report).toMatchObject({ status: 'dry-run', srid: 5186, facility: 'water', valid: 64 });
      const small = await openBackend(backendName, { maxImportBytes: 1000 });
      try {
        const g2 = await staff(small, 'gis-han', 'gis');
        const big = await g2.request('/api/imports?collection=update-lines&name=WTL_PIPE_LM.zip', {
          method: 'POST',
          headers: { 'content-type': 'application/zip' },
          body,
        });
        expect(big.status).toBe(413);
      } finally {
        await small.close();
      }
    },
  );

  it.skipIf(reason)('takes a .shp with its .shx/.dbf/.prj/.cpg as several files of one form', async () => {
    const gis = await staff(b, 'gis-yoon', 'gis');
    const entries = unzipSync(new Uint8Array(fs.readFileSync(fx('RDL_CTLR_LS.zip'))));
    const form = new FormData();
    for (const [name, bytes] of Object.entries(entries))
      form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>]), path.basename(name));
    const res = await gis.request('/api/imports?collection=update-lines&preview=true', { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect((await res.json()).report).toMatchObject({
      status: 'dry-run',
      format: 'shapefile',
      layer: 'RDL_CTLR_LS',
      srid: 5186,
      encoding: 'cp949',
      facility: 'road',
      valid: 34,
    });
    // a stray file is named, not silently ignored
    const stray = new FormData();
    for (const [name, bytes] of Object.entries(entries))
      stray.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>]), path.basename(name));
    stray.append('file', new Blob(['x']), 'notes.txt');
    const bad = await gis.request('/api/imports?collection=update-lines&preview=true', { method: 'POST', body: stray });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors[0]).toMatchObject({ field: 'file', message: 'unexpected file notes.txt' });
  });

  it.skipIf(reason)('answers an unreadable upload with 400 naming the problem', async () => {
    const res = await it_.request('/api/imports?collection=wifi&preview=true', upload('README.md', 'text/markdown'));
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0]).toMatchObject({ field: 'file' });
    const noFile = await it_.request('/api/imports?collection=wifi', { method: 'POST', body: new FormData() });
    expect(noFile.status).toBe(400);
  });
});
