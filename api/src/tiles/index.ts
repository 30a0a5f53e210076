/**
 * Vector tiles of the collections: one tile service per app (created in `createApp`, passed in `AppDeps`
 * as `tiles`), holding the shared tile cache.
 *
 * Write paths call `deps.tiles.invalidate(collectionId, [oldBox, newBox])` after every insert, update or
 * delete of a feature, with the lon/lat bounding boxes of its old and new geometry (either may be omitted
 * when it does not exist); every cached tile of that collection those boxes touch, on every zoom, is purged.
 */
import type { CollectionId } from '../collections.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { type CachedTile, type LonLatBox, TileCache } from './cache.js';
import { BUFFER, EXTENT } from './layer.js';
import { type EncoderName, renderTile } from './render.js';

export type { CachedTile, LonLatBox } from './cache.js';
export type { EncoderName } from './render.js';

/** How long after a write a collection's tiles are rendered from the primary rather than a read replica. */
export const REPLICA_GRACE_MS = 30_000;

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
  return {
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
