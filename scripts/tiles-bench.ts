/**
 * `npx tsx scripts/tiles-bench.ts` — single-tile timings of the vector tiles, in process, one request at a
 * time, over the 156 z14 tiles covering Gimpo (as ../shared/bench uses):
 *
 * - our SQL: the very statement the server runs for the tile (`postgresTileSql`), sent with postgres.js;
 * - uncached: `GET /api/tiles/{id}/14/x/y.mvt` through the app (routing, validation, SQL, ETag) with the cache off;
 * - cached: the same requests with the cache on, after one warm-up pass.
 *
 * Each tile is timed with the three in turn. Prints the medians and the median per-tile ratio uncached/SQL. Settings: DATABASE_URL (default the bench copy
 * postgres://postgres@127.0.0.1:5432/gimpo_bench), ROUNDS (passes over the 156 tiles, default 5),
 * LAYERS (default "wifi update-lines").
 */
import postgres from 'postgres';
import { createApp } from '../api/src/app.js';
import { COLLECTIONS, type CollectionId } from '../api/src/collections.js';
import { loadConfig } from '../api/src/config.js';
import { openDb } from '../api/src/db/client.js';
import { createTileService } from '../api/src/tiles/index.js';
import { postgresTileSql } from '../api/src/tiles/render.js';

const URL_ = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/gimpo_bench';
const ROUNDS = Number(process.env.ROUNDS || 5);
const LAYERS = (process.env.LAYERS || 'wifi update-lines').split(/\s+/).filter(Boolean);

const tiles: [number, number][] = [];
for (let x = 13950; x <= 13962; x++) for (let y = 6332; y <= 6343; y++) tiles.push([x, y]);

const median = (a: number[]) => {
  const s = [...a].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

/** Times each function on every tile, interleaved tile by tile (so load drifts hit all alike). */
async function timeEach(fns: ((x: number, y: number) => Promise<unknown>)[]): Promise<number[][]> {
  const out: number[][] = fns.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [x, y] of tiles) {
      for (const [i, fn] of fns.entries()) {
        const t0 = performance.now();
        await fn(x, y);
        out[i]?.push(performance.now() - t0);
      }
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
  console.log(
    `# ${tiles.length} z14 tiles over Gimpo x ${ROUNDS} rounds, one at a time, median ms per tile (${URL_.replace(/\/\/[^@]*@/, '//')})`,
  );
  for (const layer of LAYERS) {
    const ourFn = (x: number, y: number) => {
      const c = postgresTileSql(COLLECTIONS[layer as CollectionId], 14, x, y).compile(dbOff.kysely);
      return raw.unsafe(c.sql, c.parameters as never[]);
    };
    const uncached = (x: number, y: number) => get(appOff, `/api/tiles/${layer}/14/${x}/${y}.mvt`);
    const cached = (x: number, y: number) => get(appOn, `/api/tiles/${layer}/14/${x}/${y}.mvt`);
    await timeEach([ourFn, uncached, cached]); // warm every path (plans, caches) and fill the cache
    const [sqlMs, uncachedMs, cachedMs] = await timeEach([ourFn, uncached, cached]);
    const ratios = (uncachedMs ?? []).map((u, i) => u / (sqlMs?.[i] ?? Number.NaN));
    const m = (a: number[] | undefined) => median(a ?? []);
    console.log(
      `${layer.padEnd(13)} our_sql_ms=${m(sqlMs).toFixed(3)} uncached_ms=${m(uncachedMs).toFixed(3)} cached_ms=${m(cachedMs).toFixed(4)} uncached/our_sql=${median(ratios).toFixed(2)} (median of per-tile ratios) cached_tiles_per_s_one_connection=${Math.round(1000 / m(cachedMs))}`,
    );
  }
  await raw.end();
  await dbOff.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
