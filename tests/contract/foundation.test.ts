import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../api/src/collections.js';
import { ROOT_DIR } from '../../api/src/config.js';
import { seedAll } from '../../seeds/index.js';
import { BACKENDS, openBackend, skipReason, type TestBackend } from '../support/backends.js';

/** The collection tables and their geometry column types, as the issue asks for them (geometry(…, 4326)). */
const GEOMETRY_TYPES: Record<string, string> = {
  wifi: 'POINT',
  sculptures: 'POINT',
  signage: 'POINT',
  update_areas: 'MULTIPOLYGON',
  update_lines: 'MULTILINESTRING',
  admin_areas: 'MULTIPOLYGON',
};

/** Gimpo's extent from ../shared/FACTS.md ("whole city"), widened by 0.001° (~100 m) for its 3-decimal rounding. */
const GIMPO = { minLon: 126.517 - 0.001, minLat: 37.58 - 0.001, maxLon: 126.803 + 0.001, maxLat: 37.79 + 0.001 };

/** The 읍면동 of Gimpo in 2024 (../shared/FACTS.md). */
const EMD = [
  '통진읍',
  '고촌읍',
  '양촌읍',
  '대곶면',
  '월곶면',
  '하성면',
  '김포본동',
  '장기본동',
  '사우동',
  '풍무동',
  '장기동',
  '구래동',
  '마산동',
  '운양동',
];

/**
 * ../shared/reference/facilities.csv: the team's sourced coordinates, by key (rows without coordinates left out).
 * A few rows carry unquoted commas in free text (e.g. laveniche_area's address), which shifts the columns after
 * them: lat,lon is the first pair of numbers in Korea's range from the 5th column on, within that shift.
 */
function referenceCoordinates(): Map<string, { lon: number; lat: number }> {
  const file = path.join(ROOT_DIR, '..', 'shared', 'reference', 'facilities.csv');
  const [header, ...rows] = parse(fs.readFileSync(file, 'utf8'), { relax_column_count: true }) as string[][];
  const latAt = (header ?? []).indexOf('lat');
  expect(header?.[latAt + 1]).toBe('lon');
  const out = new Map<string, { lon: number; lat: number }>();
  for (const r of rows) {
    const shift = r.length - (header?.length ?? 0);
    for (let i = latAt; i <= latAt + Math.max(0, shift); i++) {
      const [lat, lon] = [Number(r[i] || Number.NaN), Number(r[i + 1] || Number.NaN)];
      if (lat > 33 && lat < 39 && lon > 124 && lon < 132) {
        out.set(r[0] as string, { lon, lat });
        break;
      }
    }
  }
  return out;
}

/** Great-circle distance in metres. */
function metres(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

/**
 * The plan's facilities (and the two Wi-Fi sites it names) whose own position facilities.csv gives, by the key of
 * their record: each must lie at that row's coordinates.
 */
const LOCATED_BY_REFERENCE: Record<string, string> = {
  'signage-cityhall-led': 'gimpo_cityhall',
  'signage-gimpo-airport-backlit': 'gimpo_airport_transfer',
  'sculpture-peace-trail-c1': 'peace_trail_c1_start',
  'sculpture-taesan-family-park': 'taesan_family_park',
  'wifi-taesan-family-park': 'taesan_family_park',
  'sculpture-solter-stadium': 'solter_football_stadium',
  'signage-smartboard-gurae': 'hwc_gurae',
};

interface Fc {
  numberMatched: number;
  features: { id: number; geometry: { type: string }; properties: Record<string, unknown> }[];
}

describe.each(BACKENDS)('foundation on %s', (backendName) => {
  const reason = skipReason(backendName);
  let b: TestBackend;
  const items = async (id: string): Promise<Fc> => {
    const res = await b.request(`/api/collections/${id}/items?limit=10000`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/geo+json');
    return (await res.json()) as Fc;
  };
  const byName = (fc: Fc, name: string) => fc.features.filter((f) => String(f.properties.name).includes(name));

  beforeAll(async () => {
    if (!reason) b = await openBackend(backendName);
  });
  afterAll(async () => {
    await b?.close();
  });

  it.skipIf(reason)('reports its backend and PostGIS version on /api/health', async () => {
    const res = await b.request('/api/health');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', db: backendName, writes: true });
    expect(body.postgis).toMatch(/^3\.\d+/);
  });

  it.skipIf(reason)('seeding again leaves every row exactly as it was (md5 over the rows)', async () => {
    const digest = async () => {
      const out: Record<string, string | null> = {};
      for (const table of [...Object.values(COLLECTIONS).map((d) => d.table), 'seed_ledger']) {
        const r = await sql<{ md5: string | null; n: number }>`
          select md5(string_agg(to_jsonb(t)::text, E'\n' order by ${sql.ref(table === 'seed_ledger' ? 'key' : 'id')})) as md5,
            count(*)::int as n
          from ${sql.table(table)} t`.execute(b.db.kysely);
        expect(r.rows[0]?.n, table).toBeGreaterThan(0);
        out[table] = r.rows[0]?.md5 ?? null;
      }
      return out;
    };
    const before = await digest();
    const report = await seedAll(b.db.kysely, b.config.sharedDataDir);
    for (const r of Object.values(report)) expect(r.inserted).toBe(0);
    expect(await digest()).toEqual(before);
  });

  it.skipIf(reason)(
    'seeding again changes nothing, keeps a staff edit and does not bring back a deleted record',
    async () => {
      const counts = async () => {
        const out: Record<string, number> = {};
        for (const def of Object.values(COLLECTIONS)) {
          const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(def.table)}`.execute(
            b.db.kysely,
          );
          out[def.id] = r.rows[0]?.n ?? 0;
        }
        return out;
      };
      const before = await counts();
      await sql`update signage set name = 'staff edit', version = version + 1 where key = (select min(key) from signage)`.execute(
        b.db.kysely,
      );
      await sql`delete from wifi where key = (select max(key) from wifi where demo)`.execute(b.db.kysely);
      const report = await seedAll(b.db.kysely, b.config.sharedDataDir);
      for (const r of Object.values(report)) expect(r.inserted).toBe(0);
      expect(await counts()).toEqual({ ...before, wifi: (before.wifi ?? 0) - 1 });
      const edited = await sql<{ n: number }>`select count(*)::int as n from signage where name = 'staff edit'`.execute(
        b.db.kysely,
      );
      expect(edited.rows[0]?.n).toBe(1);
    },
  );

  it.skipIf(reason)('holds the ten promotional entries of the plan', async () => {
    const sculptures = await items('sculptures');
    const signage = await items('signage');
    const symbol = sculptures.features.filter((f) => f.properties.kind === 'symbol');
    expect(symbol).toHaveLength(1);
    expect(symbol[0]?.properties.name).toContain('미래를 여는 문');
    const characters = sculptures.features.filter((f) => f.properties.kind === 'character');
    expect(characters).toHaveLength(6);
    for (const f of characters) expect(f.properties.characters).toEqual(['포수', '포미']);
    for (const place of ['라베니체', '평화누리길', '한강중앙공원', '걸포중앙공원', '태산패밀리파크', '솔터축구장']) {
      const where = (f: Fc['features'][number]) => `${f.properties.name} ${f.properties.place} ${f.properties.address}`;
      expect(
        characters.filter((f) => where(f).includes(place)),
        place,
      ).toHaveLength(1);
    }
    const led = signage.features.filter((f) => f.properties.kind === 'led');
    expect(led).toHaveLength(1);
    expect(String(led[0]?.properties.address)).toContain('사우중로 1');
    const backlit = signage.features.filter((f) => f.properties.kind === 'backlit');
    expect(backlit).toHaveLength(1);
    expect(backlit[0]?.properties.units).toBe(6);
    expect(JSON.stringify(backlit[0]?.properties)).toContain('김포공항');
    // the station lies in Seoul's 강서구, outside the city: the record says so (address), and has no 읍면동
    expect(backlit[0]?.properties.address).toMatch(/서울.*강서구/);
    expect(`${backlit[0]?.properties.address} ${backlit[0]?.properties.note}`).toMatch(/김포시 밖|outside gimpo/i);
    expect(backlit[0]?.properties.emd).toBeNull();
    const boards = signage.features.filter((f) => f.properties.kind === 'smart-board');
    expect(boards).toHaveLength(14);
    // FACTS.md: 14 sites = 민원동 토지정보과 + every 읍면동 행정복지센터 except 마산동
    const minwon = boards.filter((f) => String(f.properties.name).includes('민원동'));
    expect(minwon).toHaveLength(1);
    expect(String(minwon[0]?.properties.place)).toContain('토지정보과');
    const centres = boards.filter((f) => f !== minwon[0]);
    expect(centres.map((f) => f.properties.emd).sort()).toEqual(EMD.filter((e) => e !== '마산동').sort());
    for (const f of centres) expect(f.properties.place).toBe(`${f.properties.emd} 행정복지센터`);
    expect(
      boards.filter((f) => f.properties.emd === '마산동' || String(f.properties.name).includes('마산동')),
    ).toHaveLength(0);
  });

  it.skipIf(reason)("has the 김포공항역 boards as its only feature outside Gimpo's extent", async () => {
    const outside: string[] = [];
    for (const def of Object.values(COLLECTIONS)) {
      const r = await sql<{ key: string }>`
        select key from ${sql.table(def.table)}
        where not ST_Within(geom, ST_MakeEnvelope(${GIMPO.minLon}, ${GIMPO.minLat}, ${GIMPO.maxLon}, ${GIMPO.maxLat}, 4326))
        order by key`.execute(b.db.kysely);
      outside.push(...r.rows.map((row) => `${def.id}:${row.key}`));
    }
    expect(outside).toEqual(['signage:signage-gimpo-airport-backlit']);
  });

  it.skipIf(reason)('holds the Wi-Fi sites the plan names and labels the others as sample', async () => {
    const wifi = await items('wifi');
    const taesan = byName(wifi, '태산패밀리파크');
    expect(taesan).toHaveLength(1);
    expect(taesan[0]?.properties).toMatchObject({ plan_year: 2023, demo: false });
    const narae = byName(wifi, '나래울공원');
    expect(narae).toHaveLength(1);
    expect(narae[0]?.properties).toMatchObject({ plan_year: 2024, demo: false, emd: '운양동', verified: false });
    for (const f of wifi.features.filter((f) => f.properties.demo)) {
      expect(String(f.properties.source) + String(f.properties.note)).toMatch(/sample|예시|표본/i);
    }
    // the sites not marked demo/sample are exactly the two the plan names; every other one is a labelled sample
    expect(
      wifi.features
        .filter((f) => f.properties.demo !== true)
        .map((f) => f.properties.name)
        .sort(),
    ).toEqual(['나래울공원', '태산패밀리파크']);
    const samples = wifi.features.filter((f) => f.properties.demo === true);
    expect(samples).toHaveLength(wifi.features.length - 2);
    for (const f of samples) {
      expect(String(f.properties.note), String(f.properties.name)).toMatch(/^sample\b/i);
      expect(String(f.properties.source), String(f.properties.name)).toMatch(/^SAMPLE\b/);
    }
  });

  it.skipIf(reason)('holds the 2024 projects and 2023 results with their figures', async () => {
    const areas = await items('update-areas');
    const find = (facility: string, year: number) =>
      areas.features.filter((f) => f.properties.facility === facility && f.properties.year === year);
    expect(find('road', 2024)[0]?.properties).toMatchObject({ target_km: 24.085, budget_krw: 324_000_000 });
    expect(String(find('road', 2024)[0]?.properties.region)).toContain('월곶');
    expect(find('water', 2024)[0]?.properties).toMatchObject({ target_km: 39.438, budget_krw: 450_000_000 });
    expect(find('road', 2023)[0]?.properties.target_km).toBe(25.13);
    expect(find('water', 2023)[0]?.properties.target_km).toBe(30.253);
    expect(find('sewer', 2023)[0]?.properties.target_km).toBe(27.2);
    // one record each: the two 2024 projects (planned) and the three 2023 results (completed), nothing else
    expect(areas.features.map((f) => `${f.properties.facility} ${f.properties.year}`).sort()).toEqual([
      'road 2023',
      'road 2024',
      'sewer 2023',
      'water 2023',
      'water 2024',
    ]);
    for (const f of areas.features) {
      expect(f.properties.status).toBe(f.properties.year === 2024 ? 'planned' : 'completed');
    }
    // the water project is water AND sewer, in 통진·월곶·하성
    const waterSewer = find('water', 2024)[0]?.properties;
    expect(String(waterSewer?.name)).toContain('상하수도');
    for (const place of ['통진', '월곶', '하성']) expect(String(waterSewer?.region)).toContain(place);
    // FACTS.md's schedule: 2023-12 pre-procedures; 2024-03 contract and survey start; 2024-11 public survey
    // review; 2024-12 completion and loading into the spatial platform; the projects run Apr–Nov
    for (const facility of ['road', 'water']) {
      const schedule = String(find(facility, 2024)[0]?.properties.schedule);
      expect(schedule, facility).toMatch(/2023-12 사전절차/);
      expect(schedule, facility).toMatch(/2024-03 계약·착수/);
      expect(schedule, facility).toMatch(/2024-11 공공측량 성과심사/);
      expect(schedule, facility).toMatch(/2024-12 준공·플랫폼 로딩/);
      expect(schedule, facility).toContain("'24.4.~11.");
    }
    const lines = await items('update-lines');
    expect(lines.numberMatched).toBeGreaterThan(20);
    for (const f of lines.features) {
      expect(f.properties.demo).toBe(true);
      expect(String(f.properties.source)).toMatch(/demo/i);
      expect(f.properties.length_m).toBeGreaterThan(0);
    }
  });

  it.skipIf(reason)('has every geometry valid and inside Gimpo, except the Seoul station', async () => {
    for (const def of Object.values(COLLECTIONS)) {
      const r = await sql<{ key: string; valid: boolean; inside: boolean; srid: number }>`
        select t.key, ST_IsValid(t.geom) as valid, ST_SRID(t.geom) as srid,
          ST_Within(t.geom, ST_Buffer((select ST_Union(geom) from admin_areas)::geography, 100)::geometry) as inside
        from ${sql.table(def.table)} t`.execute(b.db.kysely);
      for (const row of r.rows) {
        expect(row.valid, `${def.id} ${row.key}`).toBe(true);
        expect(row.srid).toBe(4326);
        const seoulStation = def.id === 'signage' && !row.inside;
        if (seoulStation) expect(row.key).toMatch(/airport|gimpo-airport|공항/);
        else expect(row.inside, `${def.id} ${row.key} outside the city`).toBe(true);
      }
    }
  });

  it.skipIf(reason)('migrates an empty database from scratch', async () => {
    const r = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(b.db.kysely);
    expect(r.rows.map((x) => x.name)).toContain('2026-11-24-001-initial');
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public'`.execute(b.db.kysely);
    const names = tables.rows.map((t) => t.table_name);
    for (const t of [
      'wifi',
      'sculptures',
      'signage',
      'update_areas',
      'update_lines',
      'admin_areas',
      'users',
      'sessions',
      'audit_log',
    ]) {
      expect(names).toContain(t);
    }
  });

  it.skipIf(reason)(
    'creates each collection with a typed 4326 geometry, a GiST index and provenance columns',
    async () => {
      const geom = await sql<{ table: string; type: string; srid: number }>`
      select f_table_name as table, type, srid from geometry_columns
      where f_table_schema = 'public' and f_geometry_column = 'geom'`.execute(b.db.kysely);
      const types = Object.fromEntries(
        geom.rows.filter((r) => r.table in GEOMETRY_TYPES).map((r) => [r.table, `${r.type} ${r.srid}`]),
      );
      expect(types).toEqual(Object.fromEntries(Object.entries(GEOMETRY_TYPES).map(([t, ty]) => [t, `${ty} 4326`])));
      for (const table of Object.keys(GEOMETRY_TYPES)) {
        const gist = await sql<{ n: number }>`
        select count(*)::int as n from pg_indexes
        where schemaname = 'public' and tablename = ${table} and indexdef ilike '%using gist (geom)%'`.execute(
          b.db.kysely,
        );
        expect(gist.rows[0]?.n, `${table} GiST index on geom`).toBeGreaterThanOrEqual(1);
        const cols = await sql<{ column_name: string; data_type: string }>`
        select column_name, data_type from information_schema.columns
        where table_schema = 'public' and table_name = ${table}`.execute(b.db.kysely);
        const type = Object.fromEntries(cols.rows.map((c) => [c.column_name, c.data_type]));
        expect(type, table).toMatchObject({
          version: 'integer',
          updated_at: 'timestamp with time zone',
          source: 'text',
          verified: 'boolean',
          data_date: 'date',
        });
      }
    },
  );

  it.skipIf(reason)('gives every record its provenance, and every unverified one a note on its position', async () => {
    const refs = referenceCoordinates();
    for (const def of Object.values(COLLECTIONS)) {
      const r = await sql<{
        key: string;
        source: string | null;
        verified: boolean | null;
        data_date: string | null;
        note: string | null;
        point: boolean;
      }>`
        select key, source, verified, data_date::text as data_date, note, GeometryType(geom) = 'POINT' as point
        from ${sql.table(def.table)}`.execute(b.db.kysely);
      expect(r.rows.length, def.id).toBeGreaterThan(0);
      for (const row of r.rows) {
        const what = `${def.id} ${row.key}`;
        expect(row.source?.trim(), what).toBeTruthy();
        expect(typeof row.verified, what).toBe('boolean');
        expect(row.data_date, what).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        if (row.verified) continue;
        // how the position was obtained: placed at a point, an outline, a generated walk…
        expect(row.note, what).toMatch(/placed|position|point|outline|random walk/i);
        // a point names the facilities.csv row it was placed at, or says it was placed by hand
        if (row.point) {
          const anchored = [...refs.keys()].some((k) => row.note?.includes(k));
          expect(anchored || /no coordinate source.*placed by hand/is.test(row.note ?? ''), what).toBe(true);
        }
      }
    }
  });

  it.skipIf(reason)(
    'places facilities at the coordinates facilities.csv gives, except the documented exception',
    async () => {
      const refs = referenceCoordinates();
      const points = new Map<string, { lon: number; lat: number; source: string; note: string; table: string }>();
      for (const table of ['wifi', 'sculptures', 'signage']) {
        const r = await sql<{ key: string; lon: number; lat: number; source: string; note: string }>`
        select key, ST_X(geom) as lon, ST_Y(geom) as lat, source, coalesce(note, '') as note
        from ${sql.table(table)}`.execute(b.db.kysely);
        for (const row of r.rows) points.set(row.key, { ...row, table });
      }
      // the plan's facilities the reference locates are where it says (within 5 m)
      for (const [key, ref] of Object.entries(LOCATED_BY_REFERENCE)) {
        const p = points.get(key);
        expect(p, key).toBeDefined();
        expect(refs.has(ref), ref).toBe(true);
        expect(
          metres(p as { lon: number; lat: number }, refs.get(ref) as { lon: number; lat: number }),
          key,
        ).toBeLessThan(5);
      }
      // every record placed at a reference row (its source says which: "Coordinate: …", "position from …",
      // "placeholder = … key X") lies at that row's coordinates; only the hand-placed symbol gate has none
      const unanchored: string[] = [];
      for (const [key, p] of points) {
        const m =
          /(?:Coordinate(?: and address)?:|position from|placeholder =) reference\/facilities\.csv key (\w+)/.exec(
            p.source,
          );
        const ref = m?.[1] ? refs.get(m[1]) : undefined;
        if (!ref) {
          unanchored.push(key);
          continue;
        }
        expect(metres(p, ref), `${key} at ${m?.[1]}`).toBeLessThan(5);
      }
      expect(unanchored).toEqual(['sculpture-future-gate']);
      expect(points.get('sculpture-future-gate')?.note).toMatch(/APPROXIMATE, no coordinate source/);
      // the exception: the building-level 양촌읍 office point (hwc_yangchon) lies inside 대곶면, so the board is not
      // placed there; the record names the rejected row and data/SOURCES.md documents why
      const yangchon = points.get('signage-smartboard-yangchon');
      const office = refs.get('hwc_yangchon');
      expect(office).toBeDefined();
      expect(metres(yangchon as { lon: number; lat: number }, office as { lon: number; lat: number })).toBeGreaterThan(
        500,
      );
      expect(yangchon?.source).toMatch(/Rejected: reference\/facilities\.csv key hwc_yangchon/);
      const sources = fs.readFileSync(path.join(ROOT_DIR, 'data', 'SOURCES.md'), 'utf8');
      expect(sources).toMatch(/`hwc_yangchon`[^\n]*\n?[^\n]*대곶면/);
    },
  );
});
