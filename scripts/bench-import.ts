/**
 * `npx tsx scripts/bench-import.ts [--backend pglite|postgres] [--rows 100000] [--url postgres://…]`: times
 * the import of a seeded synthetic Wi-Fi standard CSV (scripts/gen-wifi-csv.ts) into a fresh, migrated and
 * seeded database (a temp PGlite folder, or a temp PostgreSQL database it creates and drops), and reports
 * rows/s and memory: the growth of resident memory and of the JS heap during the import (run it at two
 * sizes: flat growth means the file is streamed, not read whole). Prints one JSON line. `npm run bench --
 * import` runs this script as a child process per backend and size (a fresh process: its own peak memory).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { loadConfig } from '../api/src/config.js';
import { runImport } from '../api/src/import/run.js';
import { startDatabase } from '../api/src/startup.js';
import { generateWifiCsv } from './gen-wifi-csv.js';

/** Result of one import benchmark. */
export interface ImportBenchResult {
  backend: 'pglite' | 'postgres';
  rows: number;
  fileBytes: number;
  inserted: number;
  /** Wall time of the import alone (file read, validation, inserts, commit). */
  seconds: number;
  rowsPerSecond: number;
  /** Of `seconds`, the time in database calls, and in duplicate checks alone. */
  dbSeconds: number;
  checkSeconds: number;
  /** Peak resident memory of the process over its whole life (MB). */
  peakRssMb: number;
  /** Resident memory just before the import started (MB). */
  rssBeforeMb: number;
  /** Highest resident memory sampled during the import (every 50 ms and after each batch), less `rssBeforeMb`. */
  rssGrowthMb: number;
  /** The same for the JavaScript heap plus external buffers, garbage not yet collected included. */
  heapGrowthMb: number;
  /**
   * What the import holds: the JS heap plus external buffers right after a full GC, taken five times during
   * the import (needs `node --expose-gc`; else -1), less the same before it. Flat with file size = streaming
   * (what remains is the set of keys seen, for duplicates within the file: about 90 bytes a row).
   */
  retainedGrowthMb: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Generates (or reuses) the CSV and imports it into a throwaway database of the backend. */
export async function benchImport(
  opts: { backend?: 'pglite' | 'postgres'; rows?: number; url?: string } = {},
): Promise<ImportBenchResult> {
  const backend = opts.backend ?? 'postgres';
  const rows = opts.rows ?? 100_000;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gimpo-bench-import-'));
  const file = path.join(tmp, `wifi_bench_${rows}.csv`);
  const fileBytes = await generateWifiCsv(file, rows, 7);
  const base = loadConfig({});
  let config = { ...base, dataDir: path.join(tmp, 'data'), seedOnStart: true };
  let drop: (() => Promise<void>) | undefined;
  if (backend === 'postgres') {
    const admin = opts.url ?? process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const name = `gimpo_bench_import_${process.pid}`;
    const sqlc = postgres(admin, { max: 1, onnotice: () => {} });
    await sqlc.unsafe(`drop database if exists ${name}`);
    await sqlc.unsafe(`create database ${name}`);
    const u = new URL(admin);
    u.pathname = `/${name}`;
    config = { ...config, databaseUrl: u.toString() };
    drop = async () => {
      await sqlc.unsafe(`drop database if exists ${name} with (force)`);
      await sqlc.end();
    };
  }
  const db = await startDatabase(config);
  try {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const m0 = process.memoryUsage();
    const rssBefore = m0.rss;
    const heapBefore = m0.heapUsed + m0.external;
    let rssPeak = rssBefore;
    let heapPeak = heapBefore;
    const sample = () => {
      const m = process.memoryUsage();
      rssPeak = Math.max(rssPeak, m.rss);
      heapPeak = Math.max(heapPeak, m.heapUsed + m.external);
    };
    let retainedPeak = heapBefore;
    let lastGc = 0;
    const gcEvery = Math.max(2000, Math.round(rows / 5)); // five samples a run, whatever its size
    const onProgress = (p: { rows: number }) => {
      sample();
      if (!gc || p.rows - lastGc < gcEvery) return;
      lastGc = p.rows;
      gc();
      const m = process.memoryUsage();
      retainedPeak = Math.max(retainedPeak, m.heapUsed + m.external);
    };
    const timer = setInterval(sample, 50);
    const t0 = performance.now();
    const report = await runImport(db.kysely, {
      collection: 'wifi',
      file,
      filter: { 설치시군구명: '김포시' },
      onProgress,
    }).finally(() => clearInterval(timer));
    const seconds = (performance.now() - t0) / 1000;
    sample();
    if (report.status !== 'loaded')
      throw new Error(`bench import ${report.status}: ${JSON.stringify(report.errors.slice(0, 3))}`);
    return {
      backend,
      rows,
      fileBytes,
      inserted: report.inserted,
      seconds: Math.round(seconds * 100) / 100,
      dbSeconds: Math.round((report.dbMs ?? 0) / 10) / 100,
      checkSeconds: Math.round((report.checkMs ?? 0) / 10) / 100,
      rowsPerSecond: Math.round(report.inserted / seconds),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      rssBeforeMb: Math.round(rssBefore / 1024 / 1024),
      rssGrowthMb: mb(rssPeak - rssBefore),
      heapGrowthMb: mb(heapPeak - heapBefore),
      retainedGrowthMb: gc ? mb(retainedPeak - heapBefore) : -1,
    };
  } finally {
    await db.close();
    await drop?.();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('bench-import.ts')) {
  const args = process.argv.slice(2);
  const get = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  benchImport({
    backend: (get('backend') as 'pglite' | 'postgres' | undefined) ?? 'postgres',
    rows: Number(get('rows') ?? 100_000),
    url: get('url'),
  }).then(
    (r) => console.log(JSON.stringify(r)),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
