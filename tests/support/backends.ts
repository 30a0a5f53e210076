import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import postgres from 'postgres';
import { inject } from 'vitest';
import { createApp } from '../../api/src/app.js';
import { type Config, loadConfig } from '../../api/src/config.js';
import type { AppEnv } from '../../api/src/context.js';
import { type Db, openDb } from '../../api/src/db/client.js';
import { PG_TEMPLATE_DB, PGLITE_TEMPLATE_DIR, postgresAdminUrl, withDatabase } from './env.js';

/** The two database backends every contract suite runs on. */
export const BACKENDS = ['pglite', 'postgres'] as const;
/** One backend name. */
export type BackendName = (typeof BACKENDS)[number];

/** A fresh copy of the seeded database, with the app over it. */
export interface TestBackend {
  name: BackendName;
  db: Db;
  config: Config;
  app: OpenAPIHono<AppEnv>;
  /** Calls the app like a client would, without a port. */
  request(pathOrUrl: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Why a backend cannot run here ('' when it can). */
export function skipReason(name: BackendName): string {
  return name === 'postgres' ? inject('postgresSkipReason') : '';
}

/** Opens a private copy of the seeded template database on the given backend. */
export async function openBackend(name: BackendName, overrides: Partial<Config> = {}): Promise<TestBackend> {
  const base = loadConfig({});
  let config: Config;
  let cleanup: () => Promise<void>;
  if (name === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gimpo-test-'));
    fs.cpSync(PGLITE_TEMPLATE_DIR, dir, { recursive: true });
    fs.rmSync(path.join(dir, 'server.lock'), { force: true });
    config = { ...base, dataDir: dir, seedOnStart: false, ...overrides };
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    const adminUrl = postgresAdminUrl();
    const dbName = `gimpo_t_${randomBytes(5).toString('hex')}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${dbName} template ${PG_TEMPLATE_DB}`);
    config = { ...base, databaseUrl: withDatabase(adminUrl, dbName), seedOnStart: false, ...overrides };
    cleanup = async () => {
      await admin.unsafe(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    };
  }
  const db = await openDb(config);
  const app = createApp({ db, config });
  return {
    name,
    db,
    config,
    app,
    request: async (p, init) => app.request(p.startsWith('http') ? p : `http://localhost${p}`, init),
    async close() {
      await db.close();
      await cleanup();
    },
  };
}
