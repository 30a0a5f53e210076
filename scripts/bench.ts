/**
 * `npm run bench [-- startup|items|tiles|nearest|search|stats|import|bundle|web|all]` — the project's benchmark.
 *
 * - startup: spawns `tsx api/src/server.ts` on a fresh DATA_DIR (cold: create, migrate, seed) and again on the
 *   same folder (warm), polls `/api/health`, reports the time to healthy and the peak resident memory.
 * - items, tiles (cold/warm), nearest, search, stats, import: national-scale synthetic data (100,000 Wi-Fi points,
 *   50,000 pipe segments from ../shared/bench/setup-data.sql, md5-seeded, identical on every run) in the
 *   PostgreSQL database `gimpo_bench`; the server runs as a child process on 127.0.0.1 and autocannon drives it
 *   with a rotating list of requests (50 bbox windows and the 156 z14 tiles over Gimpo, as the peer bench uses).
 * - bundle: gzipped size of what the browser loads for the first view (index.html and the assets it names).
 * - web: headless Chromium — map idle and the JavaScript of the first view over cold loads on the embedded sample
 *   data, and frame times while panning over the national-scale data through tiles (scripts/bench-web.ts).
 *
 * Prints one markdown table and writes it to tests/artifacts/bench.md. Settings: BENCH_DURATION (s, default 10),
 * BENCH_CONNECTIONS (default 16), BENCH_PORT (default 8851), BENCH_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/gimpo_bench), BENCH_SQL (the data script).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { ROOT_DIR } from '../api/src/config.js';
import {
  memoryMb,
  type ServerProcess,
  sampleMemory,
  startServer,
  stopServer,
  waitHealthy,
} from '../tests/load/server.js';
import { benchFirstView, benchPan, prepareBenchDist, webSkipReason } from './bench-web.js';
import { mulberry32 as seeded } from './lib/random.js';

const SECTIONS = ['startup', 'items', 'tiles', 'nearest', 'search', 'stats', 'import', 'bundle', 'web'] as const;
type Section = (typeof SECTIONS)[number];

const DURATION = Number(process.env.BENCH_DURATION || 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 16);
const PORT = Number(process.env.BENCH_PORT || 8851);
const BENCH_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/gimpo_bench';
const _BENCH_SQL = process.env.BENCH_SQL || path.join(ROOT_DIR, '..', 'shared', 'bench', 'setup-data.sql');
const GIMPO = { minx: 126.53, miny: 37.58, maxx: 126.8, maxy: 37.78 };

/** One row of the result table. */
interface Row {
  area: string;
  test: string;
  result: string;
  rps?: number;
  p50?: number;
  p99?: number;
  errors?: string;
  notes?: string;
}

const rows: Row[] = [];
const log = (msg: string) => process.stderr.write(`${msg}\n`);

/** The 50 bbox windows of ../shared/bench/lib.sh (z14- and z15-sized, R2 sequence) over Gimpo. */
function benchBboxes(): string[] {
  const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
  const out: string[] = [];
  for (let k = 0; k < 50; k++) {
    const d = (k % 2) + 1;
    const w = 0.0219727 / d;
    const h = 0.01739 / d;
    const u = ((5000000 + k * 7548777) % 10000000) / 1e7;
    const v = ((5000000 + k * 5698403) % 10000000) / 1e7;
    const x0 = GIMPO.minx + u * (0.27 - w);
    const y0 = GIMPO.miny + v * (0.2 - h);
    out.push([r6(x0), r6(y0), r6(x0 + w), r6(y0 + h)].map((n) => n.toFixed(6)).join(','));
  }
  return out;
}

/** The XYZ tiles covering Gimpo at zoom `z` (156 at z14). */
function benchTiles(z: number): [number, number, number][] {
  const lon2x = (lon: number) => Math.floor(((lon + 180) / 360) * 2 ** z);
  const lat2y = (lat: number) => {
    const r = (lat * Math.PI) / 180;
    return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
  };
  const out: [number, number, number][] = [];
  for (let y = lat2y(GIMPO.maxy); y <= lat2y(GIMPO.miny); y++)
    for (let x = lon2x(GIMPO.minx); x <= lon2x(GIMPO.maxx); x++) out.push([z, x, y]);
  return out;
}

/** Options of one autocannon run. */
interface LoadOptions {
  paths: string[];
  duration?: number;
  connections?: number;
  /** Stop after this many requests instead of after `duration`. */
  amount?: number;
  method?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

/** Result figures of one autocannon run. */
interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  bytesPerReq: number;
}

/** Drives `base` with autocannon rotating over `paths`; returns its figures. */
async function load(base: string, o: LoadOptions): Promise<LoadResult> {
  const r = await autocannon({
    url: base,
    connections: o.connections ?? CONNECTIONS,
    ...(o.amount ? { amount: o.amount } : { duration: o.duration ?? DURATION }),
    requests: o.paths.map((p) => ({ method: (o.method ?? 'GET') as 'GET', path: p, body: o.body, headers: o.headers })),
    timeout: 30,
  });
  return {
    // a fixed amount finishes within a second or two: count per elapsed second, not per 1-s sample
    rps: o.amount && r.duration > 0 ? r.requests.total / r.duration : r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    requests: r.requests.total,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    bytesPerReq: r.requests.total ? r.throughput.total / r.requests.total : 0,
  };
}

function loadRow(area: string, test: string, r: LoadResult, notes = ''): Row {
  return {
    area,
    test,
    result: `${Math.round(r.rps)} req/s`,
    rps: r.rps,
    p50: r.p50,
    p99: r.p99,
    errors: `${r.errors + r.timeouts} / ${r.non2xx}`,
    notes: `${r.requests} requests, ~${(r.bytesPerReq / 1024).toFixed(1)} KB each${notes ? `; ${notes}` : ''}`,
  };
}

/** Whether the server has a route answering `path` (a 404 naming "No route" means the feature has not landed). */
async function hasRoute(
  base: string,
  p: string,
  init?: RequestInit,
): Promise<{ ok: boolean; status: number; body: string }> {
  const res = await fetch(base + p, init);
  const body = await res.text();
  return { ok: !(res.status === 404 && body.includes('No route')), status: res.status, body };
}

// ---------------------------------------------------------------------------------------------------------------
// start-up

async function benchStartup(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gimpo-bench-startup-'));
  try {
    for (const kind of ['cold', 'warm'] as const) {
      const started = performance.now();
      const server = startServer({ port: PORT, env: { DATA_DIR: dir, DATABASE_URL: '', DATABASE_READ_URLS: '' } });
      const mem = sampleMemory(server, 100);
      try {
        await waitHealthy(server, 180_000, 25);
        const secs = (performance.now() - started) / 1000;
        const m = mem.stop();
        const target = kind === 'cold' ? 20 : 5;
        rows.push({
          area: 'start-up',
          test: `${kind} (embedded PGlite${kind === 'cold' ? ', new DATA_DIR: create, migrate, seed' : ', same DATA_DIR'})`,
          result: `${secs.toFixed(1)} s to healthy /api/health`,
          notes: `peak RSS ${Math.round(m.peak)} MB (target ≤ ${target} s: ${secs <= target ? 'met' : 'NOT met'})`,
        });
        log(`startup ${kind}: ${secs.toFixed(1)} s, peak ${Math.round(m.peak)} MB`);
      } finally {
        mem.stop();
        await stopServer(server);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// national-scale data

/** Creates `gimpo_bench` (migrated, seeded) and loads 100,000 Wi-Fi points and 50,000 pipes into it once. */
function prepareBenchDb(url = BENCH_URL): void {
  log('bench data: scripts/bench-data.ts (idempotent)');
  execFileSync(path.join(ROOT_DIR, 'node_modules', '.bin', 'tsx'), [path.join(ROOT_DIR, 'scripts', 'bench-data.ts')], {
    cwd: ROOT_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DATABASE_URL: url },
  });
}

/** Cold page loads of the first-view figure (BENCH_WEB_RUNS, default 10). */
const WEB_RUNS = Number(process.env.BENCH_WEB_RUNS || 10);

/** Runs `fn` against the app on a new embedded database with the sample data (as after `npm start`). */
async function withSampleServer(fn: (base: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gimpo-bench-web-'));
  const dist = path.join(dir, 'dist');
  prepareBenchDist(dist);
  const server = startServer({
    port: PORT + 1,
    env: { DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '', DATABASE_READ_URLS: '', WEB_DIST_DIR: dist },
  });
  try {
    await waitHealthy(server, 180_000);
    await fn(server.url);
  } finally {
    await stopServer(server);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function withBenchServer(fn: (s: ServerProcess) => Promise<void>): Promise<void> {
  prepareBenchDb();
  const server = startServer({ port: PORT, env: { DATABASE_URL: BENCH_URL, DATABASE_READ_URLS: '', SEED: '0' } });
  try {
    await waitHealthy(server);
    await fn(server);
  } finally {
    await stopServer(server);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP sections on the national-scale data

async function benchItems(base: string): Promise<void> {
  const bboxes = benchBboxes();
  for (const c of ['wifi', 'update-lines']) {
    const paths = bboxes.map((b) => `/api/collections/${c}/items?bbox=${b}&limit=100`);
    rows.push(loadRow('items', `${c} bbox window, limit=100`, await load(base, { paths })));
  }
  const pages = Array.from({ length: 50 }, (_, i) => `/api/collections/wifi/items?limit=100&offset=${i * 1000}`);
  rows.push(loadRow('items', 'wifi page (offset ≤ 49,000), limit=100', await load(base, { paths: pages })));
}

async function benchTilesSection(base: string): Promise<void> {
  const probe = await hasRoute(base, '/api/tiles/wifi/14/13981/6343.mvt');
  if (!probe.ok) {
    rows.push({
      area: 'tiles',
      test: 'wifi, update-lines z14',
      result: 'not measured',
      notes: 'tiles route not in the server yet (issue 4)',
    });
    return;
  }
  for (const c of ['wifi', 'update-lines']) {
    for (const z of [14, 10]) {
      const tiles = benchTiles(z).map(([tz, x, y]) => `/api/tiles/${c}/${tz}/${x}/${y}.mvt`);
      // cold: each tile once, in a cache the server has not seen yet (a fresh process per collection/zoom is not
      // needed: these tiles were never requested before)
      const cold = await load(base, {
        paths: tiles,
        amount: tiles.length,
        connections: Math.min(CONNECTIONS, tiles.length),
      });
      rows.push(loadRow('tiles', `${c} z${z} cold (${tiles.length} tiles, first request each)`, cold));
      const warm = await load(base, { paths: tiles });
      rows.push(loadRow('tiles', `${c} z${z} warm (same tiles, rotating)`, warm));
    }
  }
}

async function benchNearest(base: string): Promise<void> {
  const rnd = seeded(8);
  const paths = Array.from({ length: 100 }, () => {
    const lon = (GIMPO.minx + rnd() * (GIMPO.maxx - GIMPO.minx)).toFixed(5);
    const lat = (GIMPO.miny + rnd() * (GIMPO.maxy - GIMPO.miny)).toFixed(5);
    return `/api/wifi/nearest?lon=${lon}&lat=${lat}&limit=10`;
  });
  const probe = await hasRoute(base, paths[0] as string);
  if (!probe.ok) {
    rows.push({
      area: 'nearest',
      test: 'wifi nearest 10',
      result: 'not measured',
      notes: 'route not in the server yet (issue 3)',
    });
    return;
  }
  rows.push(loadRow('nearest', 'wifi nearest 10, random points in Gimpo', await load(base, { paths })));
}

async function benchSearch(base: string): Promise<void> {
  const terms = [
    '김포',
    '와이파이',
    '공공',
    'WiFi',
    '사우중로',
    '부산',
    '포수',
    '전광판',
    'Public WiFi 0123',
    '없는말',
  ];
  const paths = terms.map((t) => `/api/search?q=${encodeURIComponent(t)}&limit=20`);
  const probe = await hasRoute(base, paths[0] as string);
  if (!probe.ok) {
    rows.push({
      area: 'search',
      test: 'name/address search',
      result: 'not measured',
      notes: 'route not in the server yet (issue 3)',
    });
    return;
  }
  rows.push(loadRow('search', `q over 150k features, limit=20 (${terms.length} terms)`, await load(base, { paths })));
}

async function benchStats(base: string): Promise<void> {
  for (const p of ['/api/stats/coverage', '/api/stats/summary']) {
    const probe = await hasRoute(base, p);
    if (!probe.ok) {
      rows.push({ area: 'stats', test: p, result: 'not measured', notes: 'route not in the server yet (issue 3)' });
      continue;
    }
    rows.push(loadRow('stats', `${p} (50,000 lines)`, await load(base, { paths: [p] })));
  }
}

/**
 * The import target of issue 7: a 100,000-row Wi-Fi standard CSV (CP949, scripts/gen-wifi-csv.ts) into a fresh
 * database, ≤ 10 s on PostgreSQL and ≤ 60 s embedded, memory flat with file size. Runs scripts/bench-import.ts
 * once per backend and size (BENCH_IMPORT_ROWS, default 20000,100000), each in a fresh process, and reports
 * rows/s and the growth of resident memory and of the JS heap during the import at each size.
 */
async function benchImport(): Promise<void> {
  const sizes = (process.env.BENCH_IMPORT_ROWS || '20000,100000').split(',').map(Number);
  const admin = new URL(BENCH_URL);
  admin.pathname = '/postgres';
  const targets = { postgres: 10, pglite: 60 } as const;
  for (const backend of ['postgres', 'pglite'] as const) {
    const results: Record<string, number | string>[] = [];
    for (const n of sizes) {
      log(`import: ${n.toLocaleString('en')} rows on ${backend}…`);
      try {
        const out = execFileSync(
          process.execPath,
          [
            '--expose-gc',
            '--import',
            'tsx',
            path.join(ROOT_DIR, 'scripts', 'bench-import.ts'),
            '--backend',
            backend,
            '--rows',
            String(n),
            '--url',
            admin.toString(),
          ],
          { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
        ).toString();
        results.push(JSON.parse(out.trim().split('\n').pop() as string));
      } catch (err) {
        rows.push({
          area: 'import',
          test: `Wi-Fi standard CSV, ${n.toLocaleString('en')} rows, ${backend}`,
          result: 'failed',
          notes: String((err as Error).message).slice(0, 200),
        });
      }
    }
    const mem = results
      .map(
        (r) =>
          `${Number(r.rows).toLocaleString('en')} rows: held +${r.retainedGrowthMb} MB after GC (peak JS heap +${r.heapGrowthMb} MB, RSS +${r.rssGrowthMb} MB)`,
      )
      .join('; ');
    for (const r of results) {
      const secs = Number(r.seconds);
      const big = Number(r.rows) >= 100_000;
      rows.push({
        area: 'import',
        test: `Wi-Fi standard CSV (CP949, ${(Number(r.fileBytes) / 1e6).toFixed(1)} MB), ${Number(r.rows).toLocaleString('en')} rows, runImport on ${backend === 'postgres' ? 'PostgreSQL' : 'PGlite (embedded)'}`,
        result: `${secs.toFixed(1)} s (${Number(r.rowsPerSecond).toLocaleString('en')} rows/s)`,
        notes: `inserted ${r.inserted}; database ${r.dbSeconds} s; memory during the import — ${mem}${big ? `; target ≤ ${targets[backend]} s: ${secs <= targets[backend] ? 'met' : 'NOT met'}` : ''}`,
      });
    }
  }
}

async function benchMemory(server: ServerProcess): Promise<void> {
  const m = memoryMb(server);
  rows.push({
    area: 'memory',
    test: 'server on PostgreSQL after the HTTP sections',
    result: `${Math.round(m.rss)} MB resident`,
    notes: `peak ${Math.round(m.peak)} MB (the server process)`,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// bundle

function benchBundle(): void {
  const dist = path.join(ROOT_DIR, 'web', 'dist');
  const indexFile = path.join(dist, 'index.html');
  if (!fs.existsSync(indexFile)) {
    rows.push({
      area: 'bundle',
      test: 'first view',
      result: 'not measured',
      notes: 'web/dist missing: run npm run build:web',
    });
    return;
  }
  const html = fs.readFileSync(indexFile);
  const assets = [...html.toString().matchAll(/(?:src|href)="\/?(assets\/[^"]+)"/g)].map((m) => m[1] as string);
  let raw = html.length;
  let gz = gzipSync(html, { level: 6 }).length;
  for (const a of new Set(assets)) {
    const buf = fs.readFileSync(path.join(dist, a));
    raw += buf.length;
    gz += gzipSync(buf, { level: 6 }).length;
  }
  rows.push({
    area: 'bundle',
    test: `first view: index.html + ${new Set(assets).size} assets it names`,
    result: `${(gz / 1024).toFixed(0)} KB gzipped`,
    notes: `${(raw / 1024).toFixed(0)} KB raw; gzip level 6; lazy chunks not counted`,
  });
}

// ---------------------------------------------------------------------------------------------------------------

function table(): string {
  const head = '| area | test | result | p50 ms | p99 ms | errors / non-2xx | notes |\n|---|---|---|---:|---:|---|---|';
  const fmt = (n?: number) => (n === undefined ? '' : n.toFixed(1));
  return [
    head,
    ...rows.map(
      (r) =>
        `| ${r.area} | ${r.test} | ${r.result} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.errors ?? ''} | ${r.notes ?? ''} |`,
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const wanted = new Set<Section>(args.length === 0 || args.includes('all') ? SECTIONS : []);
  for (const a of args) {
    if (a === 'all') continue;
    if (!(SECTIONS as readonly string[]).includes(a)) {
      console.error(`error: unknown section "${a}"; choose from ${SECTIONS.join(', ')}, all`);
      process.exit(2);
    }
    wanted.add(a as Section);
  }
  const started = new Date();
  if (wanted.has('startup')) await benchStartup();
  const webSkip = wanted.has('web') ? webSkipReason() : '';
  if (wanted.has('web')) {
    if (webSkip) rows.push({ area: 'web', test: 'first view, panning', result: 'not measured', notes: webSkip });
    else
      await withSampleServer(async (base) => {
        rows.push(...(await benchFirstView(base, WEB_RUNS)));
      });
  }
  const http = (['items', 'tiles', 'nearest', 'search', 'stats', 'web'] as const).filter(
    (s) => wanted.has(s) && !(s === 'web' && webSkip),
  );
  if (http.length) {
    await withBenchServer(async (server) => {
      const base = server.url;
      if (wanted.has('items')) await benchItems(base);
      if (wanted.has('tiles')) await benchTilesSection(base);
      if (wanted.has('nearest')) await benchNearest(base);
      if (wanted.has('search')) await benchSearch(base);
      if (wanted.has('stats')) await benchStats(base);
      if (wanted.has('web')) rows.push(...(await benchPan(base)));
      if (http.some((s) => s !== 'web')) await benchMemory(server);
    });
  }
  if (wanted.has('import')) await benchImport();
  if (wanted.has('bundle')) benchBundle();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const header = [
    `# Bench — ${started.toISOString()}`,
    '',
    `Command: \`npm run bench -- ${args.join(' ') || 'all'}\`; load: autocannon, ${CONNECTIONS} connections, ${DURATION} s per case, loopback;`,
    `HTTP cases on PostgreSQL ${new URL(BENCH_URL).pathname.slice(1)} (100,000 wifi + 50,000 update-lines + seed data).`,
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, load average ${load} (shared).`,
    '',
  ].join('\n');
  const out = `${header}${table()}\n`;
  process.stdout.write(out);
  const dir = path.join(ROOT_DIR, 'tests', 'artifacts');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'bench.md'), out);
  log('written to tests/artifacts/bench.md');
}

main().catch((err) => {
  console.error(`bench failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
