/**
 * Golden tests of the two tile encoders: readable text snapshots of decoded tiles over the seeded data
 * (api/src/tiles/__snapshots__, regenerate with UPDATE=1), and on PostgreSQL the ST_AsMVT encoder and the
 * JS encoder must give the same features (ids, properties, geometry within one tile unit).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTION_IDS, type CollectionId } from '../../api/src/collections.js';
import { ROOT_DIR } from '../../api/src/config.js';
import { type DecodedTile, decodeTile, tileToText } from '../../api/src/tiles/decode.js';
import { renderTile } from '../../api/src/tiles/render.js';
import { BACKENDS, openBackend, skipReason, type TestBackend } from '../support/backends.js';
import { expectSameFeatures } from './tiles-compare.js';

const SNAP_DIR = path.join(ROOT_DIR, 'api', 'src', 'tiles', '__snapshots__');
const UPDATE = process.env.UPDATE === '1';

/** Tiles over the city at a spread of zooms: city hall (126.7156, 37.6153) and the surveyed lines near 126.609, 37.699. */
const GOLDEN_TILES: [number, number, number][] = [
  [0, 0, 0],
  [10, 872, 396],
  [12, 3488, 1584],
  [12, 3489, 1585],
  [14, 13954, 6337],
  [14, 13958, 6341],
  [16, 55816, 25348],
];

describe.each(BACKENDS)('tile encoders on %s', (backendName) => {
  const reason = skipReason(backendName);
  let b: TestBackend;
  beforeAll(async () => {
    if (!reason) b = await openBackend(backendName);
  });
  afterAll(async () => {
    await b?.close();
  });

  const decode = async (
    encoder: 'js' | 'postgres',
    id: CollectionId,
    z: number,
    x: number,
    y: number,
  ): Promise<DecodedTile> => decodeTile((await renderTile(b.db, encoder, id, z, x, y)).body);

  it.skipIf(reason)('the JS encoder matches the text snapshots', async () => {
    const texts = new Map<string, string>();
    for (const id of COLLECTION_IDS) {
      let text = '';
      for (const [z, x, y] of GOLDEN_TILES)
        text += `== ${id} ${z}/${x}/${y}\n${tileToText(await decode('js', id, z, x, y))}`;
      texts.set(id, text);
    }
    if (UPDATE && backendName === 'pglite') {
      fs.mkdirSync(SNAP_DIR, { recursive: true });
      for (const [id, text] of texts) fs.writeFileSync(path.join(SNAP_DIR, `${id}.txt`), text);
    }
    let features = 0;
    for (const [id, text] of texts) {
      const file = path.join(SNAP_DIR, `${id}.txt`);
      expect(fs.existsSync(file), `${file} missing: run with UPDATE=1`).toBe(true);
      const golden = fs.readFileSync(file, 'utf8');
      features += golden.split('\n').filter((l) => l.startsWith('  #')).length;
      expect(text, `${id} differs from ${file}`).toBe(golden);
    }
    expect(features).toBeGreaterThan(300);
  });

  it.skipIf(reason || backendName !== 'postgres')('ST_AsMVT and the JS encoder give the same features', async () => {
    let compared = 0;
    for (const id of COLLECTION_IDS) {
      for (const [z, x, y] of GOLDEN_TILES) {
        const a = await decode('postgres', id, z, x, y);
        const j = await decode('js', id, z, x, y);
        compared += expectSameFeatures(a, j, `${id} ${z}/${x}/${y}`);
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});
