import fs from 'node:fs';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../api/src/config.js';
import { startDatabase } from '../../api/src/startup.js';
import { PG_TEMPLATE_DB, PGLITE_TEMPLATE_DIR, postgresAdminUrl, REQUIRE_POSTGIS, withDatabase } from './env.js';

async function buildPgliteTemplate(): Promise<void> {
  fs.rmSync(PGLITE_TEMPLATE_DIR, { recursive: true, force: true });
  const config = { ...loadConfig({}), dataDir: PGLITE_TEMPLATE_DIR };
  const db = await startDatabase(config);
  await db.close();
}

async function buildPostgresTemplate(): Promise<string> {
  const adminUrl = postgresAdminUrl();
  const admin = postgres(adminUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    try {
      await admin`select 1`;
    } catch (err) {
      return `PostgreSQL not reachable at ${adminUrl} (${(err as Error).message})`;
    }
    const ext = await admin`select 1 from pg_available_extensions where name = 'postgis'`;
    if (ext.length === 0) return `PostGIS is not installed on the PostgreSQL server at ${adminUrl}`;
    await admin.unsafe(`drop database if exists ${PG_TEMPLATE_DB} with (force)`);
    await admin.unsafe(`create database ${PG_TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const config = { ...loadConfig({}), databaseUrl: withDatabase(adminUrl, PG_TEMPLATE_DB) };
  const db = await startDatabase(config);
  await db.close();
  return '';
}

/** Builds the seeded template databases once per run; each test file starts from a copy. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [, skip] = await Promise.all([buildPgliteTemplate(), buildPostgresTemplate()]);
  if (skip && REQUIRE_POSTGIS) throw new Error(`REQUIRE_POSTGIS=1 but ${skip}`);
  if (skip) console.warn(`PostGIS suite skipped: ${skip}`);
  project.provide('postgresSkipReason', skip);
  return async () => {
    fs.rmSync(PGLITE_TEMPLATE_DIR, { recursive: true, force: true });
  };
}
