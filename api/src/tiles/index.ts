/**
 * Vector tiles of the collections: one tile service per app (created in `createApp`, passed in `AppDeps`
 * as `tiles`), holding the shared tile cache.
 *
 * Every committed change to a collection table announces itself on the `gimpo_tiles` channel (a trigger per
 * table, migration 2026-12-02-011), with the lon/lat bounding boxes of the old and new rows; every process
 * listens and purges each cached tile of that collection those boxes touch, on every zoom. That covers the
 * API's writes, imports, cascades (deleting an area clears its lines' `area_id`), the CLI and psql, in every
 * server process. The API's write paths also call `invalidate` themselves, so their own next tile request
 * never waits for the notification.
 */
import { type CollectionId, getCollection } from '../collections.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { type CachedTile, type LonLatBox, TileCache } from './cache.js';
import { BUFFER, EXTENT } from './layer.js';
import { type EncoderName, renderTile } from './render.js';

export type { CachedTile, LonLatBox } from './cache.js';
export type { EncoderName } from './render.js';

/** How long after a write a collection's tiles are rendered from the primary rather than a read replica. */
export const REPLICA_GRACE_MS = 30_000;

/** The channel the collection tables' triggers notify on. */
export const TILES_CHANNEL = 'gimpo_tiles';

/** Options of a tile service beyond the database and configuration. */
export interface TileServiceOptions {
  /** Force one encoder (tests compare `js` with `postgres` on PostgreSQL); default: by backend. */
  encoder?: EncoderName;
}

/** The tile service of one app: renders tiles and keeps the cache that follows the data. */
export interface TileService {
  /** The encoder used: `postgres` (ST_AsMVT) or `js` (SQL clip + @maplibre/vt-pbf). */
  readonly encoder: EncoderName;
  /** The shared cache (disabled when `config.tileCacheMb` is 0). */
  readonly cache: TileCache;
  /** The tile z/x/y of a collection (from the cache when there), with its ETag; the body is empty for an empty tile. */
  getTile(collection: CollectionId, z: number, x: number, y: number): Promise<CachedTile>;
  /**
   * Purges the cached tiles of `collection` touched by any of `boxes` (lon/lat `[w, s, e, n]`), on every zoom.
   * Call it after each write with the old and new geometry's bounding boxes. Returns how many tiles were purged.
   */
  invalidate(collection: CollectionId, boxes: readonly LonLatBox[]): number;
  /** Purges every cached tile of a collection (after a bulk import or replace, wherever its rows lie). */
  invalidateAll(collection: CollectionId): void;
  /** Resolves once the service follows the database's change notifications. */
  readonly following: Promise<void>;
}

/** Reads a `gimpo_tiles` notification: the collection and its boxes, or `all` for every tile of it. */
export function parseTilesNotification(
  payload: string,
): { collection: CollectionId; boxes: LonLatBox[] } | { collection: CollectionId; all: true } | undefined {
  try {
    const msg = JSON.parse(payload) as { c?: unknown; b?: unknown; all?: unknown };
    const def = typeof msg.c === 'string' ? getCollection(msg.c) : undefined;
    if (!def) return undefined;
    if (msg.all === true || !Array.isArray(msg.b)) return { collection: def.id, all: true };
    const boxes = msg.b.filter(
      (b): b is LonLatBox => Array.isArray(b) && b.length === 4 && b.every((n) => Number.isFinite(n)),
    );
    return { collection: def.id, boxes };
  } catch {
    return undefined;
  }
}

/** Creates the tile service of an app. */
export function createTileService(deps: { db: Db; config: Config }, options: TileServiceOptions = {}): TileService {
  const encoder: EncoderName = options.encoder ?? (deps.db.backend === 'postgres' ? 'postgres' : 'js');
  const cache = new TileCache(Math.round(deps.config.tileCacheMb * 1024 * 1024), BUFFER / EXTENT);
  // renders in progress, so simultaneous requests for one tile share one query (keyed with the generation:
  // a request arriving after an edit never joins a render that may have read the data before it)
  const inFlight = new Map<string, Promise<CachedTile>>();
  // when each collection was last written: its tiles are read from the primary for a while after a write, so a
  // lagging read replica cannot put the pre-write data back into the cache
  const lastWrite = new Map<string, number>();
  const following = deps.db
    .listen(
      TILES_CHANNEL,
      (payload) => {
        const change = parseTilesNotification(payload);
        if (!change) return;
        lastWrite.set(change.collection, Date.now());
        if ('all' in change) cache.clear(change.collection);
        else cache.invalidate(change.collection, change.boxes);
      },
      // the listening connection was lost for a while: any tile may be stale
      () => cache.clear(),
    )
    .catch((err: Error) => {
      // without notifications the cache cannot follow other writers: keep serving, but cache nothing stale
      console.error(`tile cache: cannot follow database changes (${err.message}); tile cache off`);
      cache.disable();
    });
  return {
    following,
    encoder,
    cache,
    async getTile(collection, z, x, y) {
      const hit = cache.get(collection, z, x, y);
      if (hit) return hit;
      const generation = cache.generation(collection);
      const key = `${collection}/${z}/${x}/${y}@${generation}`;
      const pending = inFlight.get(key);
      if (pending) return pending;
      const fromPrimary = Date.now() - (lastWrite.get(collection) ?? Number.NEGATIVE_INFINITY) < REPLICA_GRACE_MS;
      const render = renderTile(deps.db, encoder, collection, z, x, y, { fromPrimary })
        .then((tile) => {
          cache.set(collection, z, x, y, tile, generation);
          return tile;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, render);
      return render;
    },
    invalidate(collection, boxes) {
      lastWrite.set(collection, Date.now());
      return cache.invalidate(collection, boxes);
    },
    invalidateAll(collection) {
      lastWrite.set(collection, Date.now());
      cache.clear(collection);
    },
  };
}
