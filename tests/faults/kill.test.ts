/**
 * Fault: the embedded server is killed with SIGKILL in the middle of a stream of staff edits. After a restart on
 * the same data folder every edit the API acknowledged (201 for a new feature, 200 for a PATCH) is there.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryMb, type ServerProcess, sleep, startServer, stopServer, waitHealthy } from '../load/server.js';
import { embeddedDataDir, signIn, wifiFeature } from './embedded.js';

const PORT = 8854;
const GEO = 'application/geo+json';

describe('SIGKILL during acknowledged edits (embedded PGlite)', () => {
  let dir: string;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    dir = await embeddedDataDir();
  }, 120_000);

  afterAll(async () => {
    if (server) await stopServer(server, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged create and update after a restart', async () => {
    server = startServer({ port: PORT, env: { DATA_DIR: dir, DATABASE_URL: '', SEED: '0' } });
    await waitHealthy(server, 120_000);
    const request = await signIn(server.url);

    // the feature the PATCH writer keeps renaming
    const first = await request('/api/collections/wifi/items', {
      method: 'POST',
      headers: { 'content-type': GEO },
      body: JSON.stringify(wifiFeature(0, 'patched')),
    });
    expect(first.status).toBe(201);
    const patchedId = Number(((await first.json()) as { id: number }).id);
    let etag = first.headers.get('etag') ?? '';

    const created: { id: number; name: string }[] = [];
    let lastPatched = -1;
    let inFlightPatch = -1;
    let running = true;
    const failures: string[] = [];
    let n = 1;
    const creator = async () => {
      while (running) {
        const i = n++;
        try {
          const res = await request('/api/collections/wifi/items', {
            method: 'POST',
            headers: { 'content-type': GEO },
            body: JSON.stringify(wifiFeature(i, 'killed')),
          });
          const body = (await res.json()) as { id?: number };
          if (res.status === 201 && body.id) created.push({ id: Number(body.id), name: `killed ${i}` });
          else if (running) failures.push(`create answered ${res.status}: ${JSON.stringify(body)}`);
        } catch (err) {
          // the kill cuts the requests in flight; before it, nothing may fail
          if (running) failures.push(`create failed: ${err}`);
        }
      }
    };
    const patcher = async () => {
      for (let v = 1; running; v++) {
        inFlightPatch = v;
        try {
          const res = await request(`/api/collections/wifi/items/${patchedId}`, {
            method: 'PATCH',
            headers: { 'content-type': 'application/merge-patch+json', 'if-match': etag },
            body: JSON.stringify({ properties: { name: `patched v${v}` } }),
          });
          await res.arrayBuffer();
          if (res.status === 200) {
            etag = res.headers.get('etag') ?? '';
            lastPatched = v;
          } else if (running) failures.push(`patch answered ${res.status}`);
        } catch (err) {
          if (running) failures.push(`patch failed: ${err}`);
        }
      }
    };
    const writers = [creator(), creator(), creator(), patcher()];
    await sleep(2500);
    const rss = memoryMb(server).rss;
    // kill while requests are in flight: no chance to flush anything
    running = false;
    await stopServer(server, 'SIGKILL');
    await Promise.all(writers);
    expect(failures, 'edits failed before the kill').toEqual([]);
    expect(created.length).toBeGreaterThan(5);
    expect(lastPatched).toBeGreaterThan(2);

    server = startServer({ port: PORT, env: { DATA_DIR: dir, DATABASE_URL: '', SEED: '0' } });
    await waitHealthy(server, 120_000);
    const missing: string[] = [];
    for (const c of created) {
      const res = await fetch(`${server.url}/api/collections/wifi/items/${c.id}`);
      const body = (await res.json()) as { properties?: { name?: string } };
      if (res.status !== 200 || body.properties?.name !== c.name) missing.push(`${c.id} (${res.status})`);
    }
    expect(missing, 'acknowledged creates lost after SIGKILL').toEqual([]);
    const patched = (await (await fetch(`${server.url}/api/collections/wifi/items/${patchedId}`)).json()) as {
      properties: { name: string };
    };
    // the last acknowledged version, or the one that was in flight when the process died
    expect([`patched v${lastPatched}`, `patched v${inFlightPatch}`]).toContain(patched.properties.name);
    console.log(
      `SIGKILL: ${created.length} acknowledged creates and ${lastPatched} acknowledged patches all present after restart (RSS before kill ${Math.round(rss)} MB)`,
    );
  }, 240_000);
});
