/**
 * A real OGC API – Features client reads the API: GDAL's OAPIF driver (the protocol QGIS uses) lists every
 * collection and ogr2ogr fetches every feature, page by page, with the count the API reports.
 * Skipped (with the reason) when ogrinfo is missing, unless REQUIRE_GDAL=1.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTION_IDS } from '../../api/src/collections.js';
import { answerClientError, httpServerOptions } from '../../api/src/problem.js';
import { BACKENDS, openBackend, skipReason, type TestBackend } from '../support/backends.js';

const run = promisify(execFile);
const hasGdal = spawnSync('ogrinfo', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasGdal && process.env.REQUIRE_GDAL === '1')
  throw new Error('REQUIRE_GDAL=1 but ogrinfo (Debian gdal-bin) is not installed');
const gdalReason = hasGdal ? '' : 'ogrinfo not found: install Debian gdal-bin (or set REQUIRE_GDAL=1 to fail instead)';

describe.each(BACKENDS)('GDAL OAPIF client on %s', (backendName) => {
  const reason = skipReason(backendName) || gdalReason;
  let b: TestBackend;
  let server: ServerType;
  let base = '';
  let dir = '';

  beforeAll(async () => {
    if (reason) return;
    b = await openBackend(backendName);
    // as api/src/server.ts serves the app
    server = serve({ fetch: b.app.fetch, port: 0, hostname: '127.0.0.1', serverOptions: httpServerOptions });
    server.on('clientError', answerClientError);
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gimpo-gdal-'));
  });
  afterAll(async () => {
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await b?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(reason)('ogrinfo lists every collection', async () => {
    const { stdout } = await run('ogrinfo', ['-ro', '-so', '-q', `OAPIF:${base}`], { timeout: 60_000 });
    for (const id of COLLECTION_IDS) expect(stdout, stdout).toMatch(new RegExp(`^\\d+: ${id}\\b`, 'm'));
  });

  it.skipIf(reason)('ogr2ogr fetches every feature of every collection, as many as numberMatched', async () => {
    for (const id of COLLECTION_IDS) {
      const res = await b.request(`/api/collections/${id}/items?limit=1`);
      const matched = ((await res.json()) as { numberMatched: number }).numberMatched;
      expect(matched, id).toBeGreaterThan(0);
      const out = path.join(dir, `${id}.geojson`);
      // a small page size makes GDAL follow the next links
      await run('ogr2ogr', ['-f', 'GeoJSON', out, `OAPIF:${base}`, id, '-oo', 'PAGE_SIZE=200'], { timeout: 120_000 });
      const fc = JSON.parse(fs.readFileSync(out, 'utf8')) as { features: { properties: Record<string, unknown> }[] };
      expect(fc.features.length, id).toBe(matched);
      const ids = new Set(fc.features.map((f) => f.properties.id ?? JSON.stringify(f.properties)));
      expect(ids.size, `${id}: no feature twice`).toBe(matched);
    }
  });
});
