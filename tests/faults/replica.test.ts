/**
 * Scale-out: a primary (port 25442) and a streaming replica made with `pg_basebackup -R` (port 25443), both
 * private throw-away clusters. With DATABASE_READ_URLS the public read paths go to the replica and writes and
 * sessions to the primary: a feature written through the API shows up on the replica's read paths, the replica
 * serves the reads (its own connections do), and with the primary stopped the reads still answer while a write
 * gets a 503.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/src/app.js';
import { addUser } from '../../api/src/auth/users.js';
import { loadConfig } from '../../api/src/config.js';
import { type Db, openDb } from '../../api/src/db/client.js';
import { startDatabase } from '../../api/src/startup.js';
import { sleep } from '../load/server.js';
import { REQUIRE_POSTGIS } from '../support/env.js';
import { TEST_PASSWORD } from '../support/staff.js';
import { clusterSkipReason, createCluster, createReplica, type PgCluster } from './cluster.js';

const skip = clusterSkipReason();
if (skip && REQUIRE_POSTGIS) throw new Error(`REQUIRE_POSTGIS=1 but ${skip}`);

describe.skipIf(skip)(`read replicas (DATABASE_READ_URLS)${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let primary: PgCluster;
  let replica: PgCluster;
  let db: Db;
  let app: ReturnType<typeof createApp>;
  const request = (p: string, init?: RequestInit) => app.request(`http://localhost${p}`, init);

  beforeAll(async () => {
    primary = await createCluster(25442);
    const admin = postgres(primary.url(), { max: 1, onnotice: () => {} });
    await admin.unsafe('create database gimpo');
    await admin.end();
    // the replica is copied before the schema and data exist: everything after arrives by streaming
    replica = await createReplica(primary, 25443);
    const base = loadConfig({});
    await (await startDatabase({ ...base, databaseUrl: primary.url('gimpo') })).close();
    const config = { ...base, databaseUrl: primary.url('gimpo'), databaseReadUrls: [replica.url('gimpo')] };
    db = await openDb(config);
    app = createApp({ db, config });
    await addUser(db.kysely, { username: 'replicas', role: 'admin', password: TEST_PASSWORD });
  }, 240_000);

  afterAll(async () => {
    await db?.close().catch(() => {});
    replica?.destroy();
    primary?.destroy();
  });

  it('writes go to the primary, reads to the replica, and reads survive the primary stopping', async () => {
    const login = await request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost' },
      body: JSON.stringify({ username: 'replicas', password: TEST_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    // the session lives in the primary and is read from there: signed-in requests work at once
    expect((await request('/api/auth/me', { headers: { cookie } })).status).toBe(200);

    const created = await request('/api/collections/wifi/items', {
      method: 'POST',
      headers: { 'content-type': 'application/geo+json', cookie, origin: 'http://localhost' },
      body: JSON.stringify({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [126.7151, 37.6153] },
        properties: { name: '복제 확인 AP', source: 'replica test', installed_on: '2025-06' },
      }),
    });
    expect(created.status).toBe(201);
    const id = Number(((await created.json()) as { id: number }).id);

    // streaming replication brings it to the replica's read path
    let seenAfter = -1;
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) {
      if ((await request(`/api/collections/wifi/items/${id}`)).status === 200) {
        seenAfter = performance.now() - t0;
        break;
      }
      await sleep(50);
    }
    expect(seenAfter, 'the new feature never appeared on the replica').toBeGreaterThanOrEqual(0);
    expect(seenAfter).toBeLessThan(5000);

    const reads = [
      '/api/collections/wifi/items?limit=5',
      `/api/collections/wifi/items/${id}`,
      '/api/collections/update-lines/items?bbox=126.5,37.57,126.82,37.8&limit=10',
      '/api/wifi/nearest?lon=126.7151&lat=37.6153&limit=3',
      `/api/search?q=${encodeURIComponent('복제 확인')}`,
      '/api/stats/summary',
      '/api/stats/coverage',
      '/api/tiles/wifi/14/13958/6344.mvt',
    ];
    for (const p of reads) expect((await request(p)).status, p).toBe(200);
    expect(await (await request('/api/health')).json()).toMatchObject({ status: 'ok', writes: true });
    // the replica answered them: our connections are open on it
    const onReplica = postgres(replica.url(), { max: 1, onnotice: () => {} });
    const [{ n }] = (await onReplica`select count(*)::int as n from pg_stat_activity
      where datname = 'gimpo' and application_name = 'gimpo-map'`) as unknown as [{ n: number }];
    const [{ standby }] = (await onReplica`select pg_is_in_recovery() as standby`) as unknown as [{ standby: boolean }];
    await onReplica.end();
    expect(standby).toBe(true);
    expect(n).toBeGreaterThan(0);

    // primary gone: public reads still answer from the replica; a write is a 503 problem
    await primary.stop('fast');
    for (const p of reads.filter((p) => !p.includes('/tiles/')))
      expect((await request(p)).status, `${p} without primary`).toBe(200);
    // the load balancer's health check keeps the process in service for reads, and says writes are down
    const health = await request('/api/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', db: 'postgres', writes: false });
    const write = await request('/api/collections/wifi/items', {
      method: 'POST',
      headers: { 'content-type': 'application/geo+json', cookie, origin: 'http://localhost' },
      body: JSON.stringify({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [126.7, 37.62] },
        properties: { name: 'x', source: 'replica test' },
      }),
    });
    expect(write.status).toBe(503);
    expect(write.headers.get('content-type')).toContain('application/problem+json');
    console.log(
      `replica: write visible on the replica after ${Math.round(seenAfter)} ms; ${n} connections of ours on the standby; reads answered with the primary down`,
    );
  }, 120_000);
});
