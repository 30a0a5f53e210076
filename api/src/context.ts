import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Config } from './config.js';
import type { Db } from './db/client.js';

/** What every route factory receives: the open database and the configuration. */
export interface AppDeps {
  db: Db;
  config: Config;
}

/** Hono environment of the app (variables set by middleware). */
export interface AppEnv {
  Variables: {
    /** The signed-in staff member, when there is one. */
    user?: { id: number; username: string; role: 'admin' | 'gis' | 'pr' | 'it' };
  };
}

/** The router type every route file returns. */
export type ApiRouter = OpenAPIHono<AppEnv>;
