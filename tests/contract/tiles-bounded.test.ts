/**
 * Bounded tiles on national-scale data: a seeded equivalent of the shared bench data (100,000 Wi-Fi points
 * over South Korea with a dense city, 50,000 short pipes over Gimpo) is loaded into a private copy of the
 * database, and no tile at any zoom over the densest places exceeds 500 KB, with either encoder.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectionId } from '../../api/src/collections.js';
import { decodeTile } from '../../api/src/tiles/decode.js';
import { POINT_CAP } from '../../api/src/tiles/layer.js';
import { type EncoderName, renderTile } from '../../api/src/tiles/render.js';
import { BACKENDS, openBackend, skipReason, type TestBackend } from '../support/backends.js';
import { expectSameFeatures } from './tiles-compare.js';

const LIMIT = 500 * 1024;
const WIFI = 100_000;
const PIPES = 50_000;

function tileOf(lon: number, lat: number, z: number): [number, number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [
    z,
    Math.floor(((lon + 180) / 360) * n),
    Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n),
  ];
}

/** md5-seeded uniform number in [0,1) of (i, k), as the shared bench data does it. */
const rnd = (i: string, k: number) =>
  sql`(('x' || substr(md5(${sql.raw(i)}::text || ':' || ${k}::text), 1, 8))::bit(32)::bigint / 4294967296.0)`;

async function loadNationalData(b: TestBackend): Promise<void> {
  const db = b.db.kysely;
  // 100,000 points: 2,000 in Gimpo, 30,000 packed into central Seoul (0.1° square), 6,000 in one 500 m square
  // (more than a z14+ tile may carry), the rest over the country
  await sql`insert into wifi (name, address, installed_on, emd, source, demo, key, geom)
    select '공공와이파이 ' || lpad(i::text, 6, '0'), '서울특별시 어딘가 ' || i, '2020-0' || (1 + i % 9),
      (array['사우동','풍무동','장기동','구래동'])[1 + i % 4], 'seeded tile test', true, 'tiletest-' || i,
      ST_SetSRID(ST_MakePoint(
        case when i <= 2000 then 126.53 + ${rnd('i', 1)} * 0.27 when i <= 32000 then 126.93 + ${rnd('i', 1)} * 0.1
             when i <= 38000 then 127.048 + ${rnd('i', 1)} * 0.005 else 124.6 + ${rnd('i', 1)} * 7.3 end,
        case when i <= 2000 then 37.58 + ${rnd('i', 2)} * 0.2 when i <= 32000 then 37.50 + ${rnd('i', 2)} * 0.1
             when i <= 38000 then 37.302 + ${rnd('i', 2)} * 0.004 else 33.1 + ${rnd('i', 2)} * 5.5 end), 4326)
    from generate_series(1, ${WIFI}) i`.execute(db);
  // 50,000 pipes of 4 vertices, 20–300 m, inside the Gimpo bbox
  await sql`insert into update_lines (facility, source, demo, key, geom)
    select (array['water','sewer','road'])[1 + i % 3], 'seeded tile test', true, 'tiletest-pipe-' || i,
      ST_Multi(ST_SetSRID(ST_MakeLine(array[
        ST_MakePoint(x, y), ST_MakePoint(x + dx, y + dy), ST_MakePoint(x + 2 * dx + dy / 3, y + 2 * dy - dx / 3),
        ST_MakePoint(x + 3 * dx, y + 3 * dy)]), 4326))
    from (select i, 126.534 + ${rnd('i', 1)} * 0.262 as x, 37.584 + ${rnd('i', 2)} * 0.192 as y,
            (${rnd('i', 3)} - 0.5) * 0.002 as dx, (${rnd('i', 4)} - 0.5) * 0.0016 as dy
          from generate_series(1, ${PIPES}) i) p`.execute(db);
  await sql`analyze wifi`.execute(db);
  await sql`analyze update_lines`.execute(db);
}

describe.each(BACKENDS)('bounded tiles on %s', (backendName) => {
  const reason = skipReason(backendName);
  let b: TestBackend;
  beforeAll(async () => {
    if (reason) return;
    b = await openBackend(backendName);
    await loadNationalData(b);
  }, 600_000);
  afterAll(async () => {
    await b?.close();
  });

  const encoders = (): EncoderName[] => (backendName === 'postgres' ? ['postgres', 'js'] : ['js']);
  const places: [CollectionId, number, number][] = [
    ['wifi', 126.98, 37.55], // the dense Seoul square
    ['wifi', 126.7, 37.68], // Gimpo
    ['wifi', 127.0505, 37.304], // 6,000 points in 500 m
    ['wifi', 127.8, 36.0], // the middle of the country
    ['update-lines', 126.667, 37.68], // the middle of the pipes
  ];

  it.skipIf(reason)(
    'keeps every tile under 500 KB from z0 to z18 over the densest places',
    async () => {
      let biggest = { bytes: 0, what: '' };
      for (const [id, lon, lat] of places) {
        for (let z = 0; z <= 18; z++) {
          const [, x, y] = tileOf(lon, lat, z);
          for (const enc of encoders()) {
            const { body } = await renderTile(b.db, enc, id, z, x, y);
            if (body.byteLength > biggest.bytes)
              biggest = { bytes: body.byteLength, what: `${enc} ${id} ${z}/${x}/${y}` };
            expect(body.byteLength, `${enc} ${id} ${z}/${x}/${y}`).toBeLessThan(LIMIT);
          }
        }
      }
      console.info(`largest tile on ${backendName}: ${(biggest.bytes / 1024).toFixed(1)} KB (${biggest.what})`);
      expect(biggest.bytes).toBeGreaterThan(50 * 1024); // the data is big enough to need thinning
    },
    600_000,
  );

  it.skipIf(reason)('thinned points stand for every point: point_count adds up to the collection at z0', async () => {
    const total = await sql<{ n: number }>`select count(*)::int as n from wifi`.execute(b.db.kysely);
    for (const enc of encoders()) {
      const t = decodeTile((await renderTile(b.db, enc, 'wifi', 0, 0, 0)).body);
      const features = t.wifi?.features ?? [];
      expect(features.length).toBeLessThanOrEqual(64 * 64);
      const sum = features.reduce((s, f) => s + Number(f.properties.point_count), 0);
      expect(sum, enc).toBe(total.rows[0]?.n);
    }
  });

  it.skipIf(reason)('caps points per tile from z14 on, lowest ids first', async () => {
    const [, x, y] = tileOf(127.0505, 37.304, 15);
    for (const enc of encoders()) {
      const t = decodeTile((await renderTile(b.db, enc, 'wifi', 15, x, y)).body);
      const ids = (t.wifi?.features ?? []).map((f) => f.id ?? 0);
      expect(ids.length, enc).toBe(POINT_CAP);
      expect(Math.max(...ids)).toBeLessThan(38001);
    }
  });

  it.skipIf(reason || backendName !== 'postgres')('both encoders agree on thinned and capped tiles', async () => {
    let n = 0;
    for (const [id, lon, lat] of places) {
      for (const z of [5, 9, 12, 15]) {
        const [, x, y] = tileOf(lon, lat, z);
        const a = decodeTile((await renderTile(b.db, 'postgres', id, z, x, y)).body);
        const j = decodeTile((await renderTile(b.db, 'js', id, z, x, y)).body);
        n += expectSameFeatures(a, j, `${id} ${z}/${x}/${y}`);
      }
    }
    expect(n).toBeGreaterThan(10_000);
  });
});
