import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { TileService } from './tiles/index.js';

/** What every route factory receives: the open database, the configuration and the app-wide tile service. */
export interface AppDeps {
  db: Db;
  config: Config;
  /** Vector tiles and their cache; write paths call `tiles.invalidate(collectionId, boxes)`. */
  tiles: TileService;
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
