import os from 'node:os';
import path from 'node:path';

/** Folder of the migrated and seeded PGlite database that each test file copies. */
export const PGLITE_TEMPLATE_DIR = path.join(os.tmpdir(), `gimpo-test-pglite-${process.env.USER ?? 'u'}`);
/** Name of the migrated and seeded PostgreSQL template database (per `USER`, like the PGlite template, so parallel runs do not clash). */
export const PG_TEMPLATE_DB = `gimpo_test_template${process.env.USER ? `_${process.env.USER.replace(/\W/g, '_').toLowerCase()}` : ''}`;

/** The PostgreSQL server the PostGIS suite uses (`TEST_DATABASE_URL`, then `DATABASE_URL`, then local trust). */
export function postgresAdminUrl(): string {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** `postgresAdminUrl()` pointed at another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Whether a suite must fail rather than skip when its part is missing (CI sets these). */
export const REQUIRE_POSTGIS = process.env.REQUIRE_POSTGIS === '1';
export const REQUIRE_BROWSER = process.env.REQUIRE_BROWSER === '1';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why the PostgreSQL backend is not tested here, or '' when it is. */
    postgresSkipReason: string;
  }
}
