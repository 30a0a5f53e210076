/**
 * `npx tsx scripts/tiles-bench.ts` — single-tile timings of the vector tiles, in process, one request at a
 * time, over the 156 z14 tiles covering Gimpo (as /work/shared/bench uses):
 *
 * - raw SQL: the bench floor's `ST_AsMVT(ST_AsMVTGeom(ST_Transform(geom,3857), ST_TileEnvelope(…)))` sent
 *   with postgres.js;
 * - uncached: `GET /api/tiles/{id}/14/x/y.mvt` through the app (routing, validation, SQL, ETag) with the cache off;
 * - cached: the same requests with the cache on, after one warm-up pass.
 *
 * Prints the median per tile of each and the ratios. Settings: DATABASE_URL (default the bench copy
 * postgres://postgres@127.0.0.1:5432/gimpo_bench), ROUNDS (passes over the 156 tiles, default 5),
 * LAYERS (default "wifi update-lines").
 */
import postgres from 'postgres';
import { createApp } from '../api/src/app.js';
import { loadConfig } from '../api/src/config.js';
import { openDb } from '../api/src/db/client.js';
import { createTileService } from '../api/src/tiles/index.js';

const URL_ = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/gimpo_bench';
const ROUNDS = Number(process.env.ROUNDS || 5);
const LAYERS = (process.env.LAYERS || 'wifi update-lines').split(/\s+/).filter(Boolean);
const TABLE: Record<string, string> = { wifi: 'wifi', 'update-lines': 'update_lines' };

const tiles: [number, number][] = [];
for (let x = 13950; x <= 13962; x++) for (let y = 6332; y <= 6343; y++) tiles.push([x, y]);

const median = (a: number[]) => {
  const s = [...a].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

async function timeEach(fn: (x: number, y: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const [x, y] of tiles) {
      const t0 = performance.now();
      await fn(x, y);
      out.push(performance.now() - t0);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const base = { ...loadConfig({}), databaseUrl: URL_, poolSize: 1, seedOnStart: false };
  const raw = postgres(URL_, { max: 1, onnotice: () => {} });
  const dbOff = await openDb(base);
  const appOff = createApp({ db: dbOff, config: { ...base, tileCacheMb: 0 } });
  const cfgOn = { ...base, tileCacheMb: 256 };
  const appOn = createApp({ db: dbOff, config: cfgOn, tiles: createTileService({ db: dbOff, config: cfgOn }) });
  const get = async (app: typeof appOff, p: string) => {
    const res = await app.request(`http://127.0.0.1${p}`);
    if (res.status !== 200) throw new Error(`${p}: ${res.status}`);
    return res.arrayBuffer();
  };
  console.log(`# ${tiles.length} z14 tiles over Gimpo x ${ROUNDS} rounds, one at a time, median ms per tile (${URL_.replace(/\/\/[^@]*@/, '//')})`);
  for (const layer of LAYERS) {
    const table = TABLE[layer] ?? layer;
    const sqlFn = (x: number, y: number) =>
      raw.unsafe(
        `select ST_AsMVT(t, $3, 4096, 'geom') from (select id, ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope(14, $1, $2), 4096, 256, true) as geom
         from ${table} where geom && ST_Transform(ST_TileEnvelope(14, $1, $2), 4326)) t`,
        [x, y, layer],
      );
    const tileFn = (app: typeof appOff) => (x: number, y: number) => get(app, `/api/tiles/${layer}/14/${x}/${y}.mvt`);
    await timeEach(sqlFn); // warm both paths (plans, caches)
    await timeEach(tileFn(appOff));
    const a = median(await timeEach(sqlFn));
    const b = median(await timeEach(tileFn(appOff)));
    const a2 = median(await timeEach(sqlFn));
    await timeEach(tileFn(appOn));
    const c = median(await timeEach(tileFn(appOn)));
    const sqlMs = (a + a2) / 2;
    console.log(
      `${layer.padEnd(13)} raw_sql_ms=${sqlMs.toFixed(3)} uncached_ms=${b.toFixed(3)} cached_ms=${c.toFixed(4)} uncached/raw_sql=${(b / sqlMs).toFixed(2)} cached_tiles_per_s_one_at_a_time=${Math.round(1000 / c)}`,
    );
  }
  await raw.end();
  await dbOff.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
