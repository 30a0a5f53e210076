import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (two levels above api/src). */
export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every setting of the server, with its default, in one typed object. */
export interface Config {
  /** TCP port of the one server process (web app at `/`, API under `/api`). */
  port: number;
  /** Interface to listen on. */
  host: string;
  /** `postgres://…` of a real PostgreSQL/PostGIS; when empty the embedded PGlite is used. */
  databaseUrl: string | undefined;
  /** Read-only replicas (comma separated in `DATABASE_READ_URLS`). */
  databaseReadUrls: string[];
  /** Folder of the embedded database and other local state. */
  dataDir: string;
  /** Migrate and load the sample data on start. */
  seedOnStart: boolean;
  /** Folder holding the reference data shared by the team (읍면동 boundaries, fixtures). */
  sharedDataDir: string;
  /** Built web app served at `/`. */
  webDistDir: string;
  /** postgres.js pool size. */
  poolSize: number;
  /** In-memory vector-tile cache size in MB (0 disables it). */
  tileCacheMb: number;
  /** Collections with more features than this are drawn from vector tiles in the web client. */
  tileThreshold: number;
  /** Basemap style URL for the web client; empty = offline style. */
  basemapStyleUrl: string;
  /** Session lifetime in hours. */
  sessionHours: number;
  /** Largest accepted request body in bytes (imports have their own limit). */
  maxBodyBytes: number;
  /** Largest accepted import upload in bytes. */
  maxImportBytes: number;
}

function intEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got "${raw}"`);
  return n;
}

/** What a PostgreSQL URL looks like, for messages. */
const URL_FORM = 'postgres://user:password@host:5432/database';

/**
 * `url` when it is a `postgres://` or `postgresql://` URL (postgres.js parses the rest, several hosts included);
 * otherwise an error naming the variable and the form expected. The value is not repeated: it may hold a password.
 */
function postgresUrl(name: string, url: string): string {
  if (/^postgres(ql)?:\/\//i.test(url)) return url;
  const unset = name === 'DATABASE_URL' ? ', or leave it unset for the embedded database' : '';
  throw new Error(`${name} is not a PostgreSQL URL; expected ${URL_FORM}${unset}`);
}

/** Builds the configuration from defaults overridden by environment variables. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: intEnv(env, 'PORT', 8787),
    host: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL ? postgresUrl('DATABASE_URL', env.DATABASE_URL) : undefined,
    databaseReadUrls: (env.DATABASE_READ_URLS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((u) => postgresUrl('DATABASE_READ_URLS', u)),
    dataDir: path.resolve(env.DATA_DIR || path.join(ROOT_DIR, '.data')),
    seedOnStart: env.SEED !== '0',
    sharedDataDir: path.resolve(env.SHARED_DATA_DIR || path.join(ROOT_DIR, '..', 'shared', 'data')),
    webDistDir: path.resolve(env.WEB_DIST_DIR || path.join(ROOT_DIR, 'web', 'dist')),
    poolSize: intEnv(env, 'DB_POOL_SIZE', 10),
    tileCacheMb: intEnv(env, 'TILE_CACHE_MB', 64),
    tileThreshold: intEnv(env, 'TILE_THRESHOLD', 2000),
    basemapStyleUrl: env.BASEMAP_STYLE_URL ?? 'osm',
    sessionHours: intEnv(env, 'SESSION_HOURS', 12),
    maxBodyBytes: intEnv(env, 'MAX_BODY_BYTES', 1_000_000),
    maxImportBytes: intEnv(env, 'MAX_IMPORT_BYTES', 200_000_000),
  };
}
