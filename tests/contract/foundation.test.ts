import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../api/src/collections.js';
import { seedAll } from '../../seeds/index.js';
import { BACKENDS, openBackend, skipReason, type TestBackend } from '../support/backends.js';

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
    const boards = signage.features.filter((f) => f.properties.kind === 'smart-board');
    expect(boards).toHaveLength(14);
    expect(
      boards.filter((f) => f.properties.emd === '마산동' || String(f.properties.name).includes('마산동')),
    ).toHaveLength(0);
    expect(boards.filter((f) => String(f.properties.name).includes('민원동'))).toHaveLength(1);
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
});
