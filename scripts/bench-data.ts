/**
 * `npx tsx scripts/bench-data.ts` — loads the shared benchmark data (../shared/bench/setup-data.sql:
 * 100,000 Wi-Fi points over South Korea, 2,000 of them in Gimpo; 50,000 pipe segments over Gimpo) into our
 * collections, in a database of ours (default `gimpo_bench`): created if missing, migrated, seeded, then
 * bench.wifi → `wifi` and bench.pipes → `update-lines` (facility from the row) by INSERT … SELECT.
 * Idempotent: rows carry keys `bench-wifi-<id>` / `bench-pipe-<id>`; a complete load is left alone.
 * Settings: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/gimpo_bench), BENCH_SQL, FORCE=1 reloads.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import postgres from 'postgres';
import { loadConfig, ROOT_DIR } from '../api/src/config.js';
import { startDatabase } from '../api/src/startup.js';

const URL_ = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/gimpo_bench';
const BENCH_SQL = process.env.BENCH_SQL || path.join(ROOT_DIR, '..', 'shared', 'bench', 'setup-data.sql');
const SOURCE = 'synthetic benchmark data, ../shared/bench/setup-data.sql (md5-seeded)';

async function ensureDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected database name "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    const exists = await sql`select 1 from pg_database where datname = ${name}`;
    if (exists.length === 0) await sql.unsafe(`create database "${name}"`);
  } finally {
    await sql.end();
  }
}

async function main(): Promise<void> {
  await ensureDatabase(URL_);
  const db = await startDatabase({ ...loadConfig({}), databaseUrl: URL_ }, (m) => console.error(m));
  await db.close();
  const sql = postgres(URL_, { max: 1, onnotice: () => {} });
  try {
    const [counts] = await sql<{ w: number; p: number }[]>`select
      (select count(*)::int from wifi where key like 'bench-wifi-%') as w,
      (select count(*)::int from update_lines where key like 'bench-pipe-%') as p`;
    if (counts && counts.w === 100_000 && counts.p === 50_000 && process.env.FORCE !== '1') {
      console.error('bench data already loaded (wifi 100,000, pipes 50,000); FORCE=1 reloads');
      return;
    }
    console.error(`loading ${BENCH_SQL} (about a minute) …`);
    // setup-data.sql drops and creates wifi/pipes in the first schema of its search_path: a schema of its own
    // (with placeholder tables) keeps it away from our collection tables in public.
    await sql.unsafe(
      'drop schema if exists bench_src cascade; create schema bench_src; create table bench_src.wifi (id int); create table bench_src.pipes (id int)',
    );
    execFileSync('psql', ['-q', '-X', '-v', 'ON_ERROR_STOP=1', '-d', URL_, '-f', BENCH_SQL], {
      env: { ...process.env, PGOPTIONS: '-c search_path=bench_src,public' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await sql.begin(async (tx) => {
      await tx`delete from wifi where key like 'bench-wifi-%'`;
      await tx`delete from update_lines where key like 'bench-pipe-%'`;
      await tx`insert into wifi (name, address, installed_on, source, verified, demo, key, geom)
        select name, address, to_char(installed, 'YYYY-MM'), ${SOURCE}, false, true, 'bench-wifi-' || id, geom
        from bench_src.wifi order by id`;
      await tx`insert into update_lines (facility, surveyed_on, source, verified, demo, key, geom)
        select facility, surveyed, ${SOURCE}, false, true, 'bench-pipe-' || id, ST_Multi(geom)
        from bench_src.pipes order by id`;
    });
    await sql.unsafe('drop schema bench_src cascade');
    await sql.unsafe('vacuum analyze wifi');
    await sql.unsafe('vacuum analyze update_lines');
    const [after] = await sql<{ w: number; p: number }[]>`select (select count(*)::int from wifi) as w,
      (select count(*)::int from update_lines) as p`;
    console.error(`loaded: wifi ${after?.w} rows, update_lines ${after?.p} rows`);
  } finally {
    await sql.end();
  }
}

main().catch((err) => {
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
});
