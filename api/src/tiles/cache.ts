import { tileBoundsLonLat } from './grid.js';

/** A longitude/latitude box `[west, south, east, north]` in EPSG:4326 degrees. */
export type LonLatBox = readonly [number, number, number, number];

/** One encoded tile as served: its bytes (empty for an empty tile) and its strong ETag. */
export interface CachedTile {
  body: Uint8Array;
  etag: string;
}

interface Entry extends CachedTile {
  collection: string;
  z: number;
  x: number;
  y: number;
  /** West, south, east, north of the tile and its buffer, in degrees. */
  bounds: LonLatBox;
}

/** Bytes an entry is charged besides its body (key, object, map slot). */
const ENTRY_OVERHEAD = 200;

/**
 * In-memory least-recently-used cache of encoded tiles, bounded in bytes, that purges exactly the tiles a
 * changed geometry touches. Each tile is remembered with its geographic bounds including the render buffer,
 * so an invalidation compares boxes instead of enumerating tile numbers (a box touches few cached tiles but
 * possibly millions of z22 tile numbers). A per-collection generation counter stops a tile rendered from
 * data read before an edit from being stored after that edit's invalidation.
 */
export class TileCache {
  private limit: number;
  private bytes = 0;
  /** Added to every collection's generation; bumped when the whole cache is cleared. */
  private baseGeneration = 0;
  /** Map iteration order is insertion order: the first key is the least recently used. */
  private readonly entries = new Map<string, Entry>();
  private readonly generations = new Map<string, number>();
  private readonly bufferFraction: number;

  /**
   * @param maxBytes largest total size; 0 disables the cache.
   * @param bufferFraction render buffer around a tile as a fraction of its width (e.g. 64/4096).
   */
  constructor(maxBytes: number, bufferFraction: number) {
    this.limit = Math.max(0, maxBytes);
    this.bufferFraction = bufferFraction;
  }

  /** Largest total size in bytes (0: disabled). */
  get maxBytes(): number {
    return this.limit;
  }

  /** Whether tiles are kept at all. */
  get enabled(): boolean {
    return this.limit > 0;
  }

  /** Empties the cache and keeps nothing from now on. */
  disable(): void {
    this.clear();
    this.limit = 0;
  }

  /** Number of cached tiles. */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes currently charged. */
  get usedBytes(): number {
    return this.bytes;
  }

  /** The generation of a collection; pass it back to `set` so a tile read before an edit is not stored. */
  generation(collection: string): number {
    return this.baseGeneration + (this.generations.get(collection) ?? 0);
  }

  /** The cached tile, marked most recently used, or undefined. */
  get(collection: string, z: number, x: number, y: number): CachedTile | undefined {
    const key = `${collection}/${z}/${x}/${y}`;
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  /** Whether a tile is cached (without touching its recency). */
  has(collection: string, z: number, x: number, y: number): boolean {
    return this.entries.has(`${collection}/${z}/${x}/${y}`);
  }

  /** Stores a tile rendered at `generation`; skipped when the collection changed since, or when disabled. */
  set(collection: string, z: number, x: number, y: number, tile: CachedTile, generation: number): void {
    if (!this.enabled || generation !== this.generation(collection)) return;
    const cost = tile.body.byteLength + ENTRY_OVERHEAD;
    if (cost > this.maxBytes) return;
    const key = `${collection}/${z}/${x}/${y}`;
    this.remove(key);
    const [w, s, e, n] = tileBoundsLonLat(z, x, y, this.bufferFraction);
    this.entries.set(key, { ...tile, collection, z, x, y, bounds: [w, s, e, n] });
    this.bytes += cost;
    for (const [k] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(k);
    }
  }

  /**
   * Purges every cached tile of `collection`, on every zoom, whose area (with its buffer) intersects one of
   * `boxes`, and bumps the collection's generation. Returns how many tiles were purged.
   */
  invalidate(collection: string, boxes: readonly LonLatBox[]): number {
    this.generations.set(collection, (this.generations.get(collection) ?? 0) + 1);
    if (boxes.length === 0) return 0;
    let purged = 0;
    for (const [key, e] of this.entries) {
      if (e.collection !== collection) continue;
      if (boxes.some((b) => intersects(e.bounds, b))) {
        this.remove(key);
        purged++;
      }
    }
    return purged;
  }

  /** Purges every tile of a collection (all of them when no collection is given). */
  clear(collection?: string): void {
    for (const [key, e] of this.entries) {
      if (collection === undefined || e.collection === collection) this.remove(key);
    }
    if (collection !== undefined) this.generations.set(collection, (this.generations.get(collection) ?? 0) + 1);
    else this.baseGeneration++;
  }

  private remove(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.bytes -= e.body.byteLength + ENTRY_OVERHEAD;
  }
}

/** Closed-interval box intersection (a point on a tile edge touches both tiles). */
function intersects(a: LonLatBox, b: LonLatBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}
