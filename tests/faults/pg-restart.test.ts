/**
 * Fault: PostgreSQL restarts while the API is under load. The server runs as a child process on a private
 * throw-away cluster (port 25432, never the shared one); while the cluster is down every answer is a 503
 * problem+json, within 5 s of its return the API answers 200 again without being restarted, and it never exits.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, sleep, startServer, stopServer, waitHealthy } from '../load/server.js';
import { REQUIRE_POSTGIS } from '../support/env.js';
import { clusterSkipReason, createCluster, type PgCluster } from './cluster.js';

// below Linux's ephemeral range (32768–60999): while the cluster is down no outgoing connection can take its port
const PG_PORT = 25432;
const API_PORT = 8853;
const skip = clusterSkipReason();
if (skip && REQUIRE_POSTGIS) throw new Error(`REQUIRE_POSTGIS=1 but ${skip}`);

/** One answered (or failed) request of the traffic. */
interface Sample {
  started: number;
  ended: number;
  path: string;
  status: number;
  type: string;
  body: string;
  error?: string;
}

/** Keeps `workers` loops of requests running until stopped; records every answer. */
function traffic(base: string, paths: string[], workers: number) {
  const samples: Sample[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async (_, w) => {
    for (let i = w; running; i++) {
      const p = paths[i % paths.length] as string;
      const started = performance.now();
      try {
        const res = await fetch(base + p, { signal: AbortSignal.timeout(15_000) });
        const body = await res.text();
        samples.push({
          started,
          ended: performance.now(),
          path: p,
          status: res.status,
          type: res.headers.get('content-type') ?? '',
          body,
        });
      } catch (err) {
        samples.push({
          started,
          ended: performance.now(),
          path: p,
          status: 0,
          type: '',
          body: '',
          error: String((err as Error).cause ?? err),
        });
        await sleep(20);
      }
    }
  });
  return {
    samples,
    async stop() {
      running = false;
      await Promise.all(loops);
      return samples;
    },
  };
}

describe.skipIf(skip)(`PostgreSQL restart under load${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let pg: PgCluster;
  let server: ServerProcess;

  beforeAll(async () => {
    pg = await createCluster(PG_PORT);
    const admin = postgres(pg.url(), { max: 1, onnotice: () => {} });
    await admin.unsafe('create database gimpo');
    await admin.end();
    server = startServer({
      port: API_PORT,
      env: { DATABASE_URL: pg.url('gimpo'), DATABASE_READ_URLS: '', DB_POOL_SIZE: '4' },
    });
    await waitHealthy(server, 120_000);
  }, 180_000);

  afterAll(async () => {
    if (server) await stopServer(server, 'SIGKILL');
    pg?.destroy();
  });

  it('answers 503 problem+json while the database is down and recovers within 5 s of its return', async () => {
    const paths = ['/api/health', '/api/collections/wifi/items?limit=5', '/api/collections/signage/items?limit=3'];
    const load = traffic(server.url, paths, 8);
    await sleep(1500);
    const tDown = performance.now();
    await pg.stop('fast');
    const tStopped = performance.now();
    // the web page itself still loads (without the preloads of the layers' data, which it cannot list now)
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="app">');
    expect(html).not.toContain('/items?limit=10000');
    await sleep(4000);
    // the cluster may accept connections a moment before `pg_ctl start -w` returns: "down" ends when it is asked to start
    const tStarting = performance.now();
    await pg.start();
    const tUp = performance.now();
    await sleep(8000);
    const samples = await load.stop();

    expect(server.hasExited(), `the server exited:\n${server.output()}`).toBe(false);
    // the API itself was reachable the whole time: no refused connection, no timeout
    const at = (t: number) => `${Math.round(t - tDown)} ms`;
    expect(
      samples.filter((s) => s.error).map((s) => `${s.path} sent ${at(s.started)} after the stop: ${s.error}`),
      `timeline: stopped ${at(tStopped)}, back ${at(tUp)}; server log:\n${server.output()}`,
    ).toEqual([]);
    // nothing but 200 and 503
    const statuses = [...new Set(samples.map((s) => s.status))].sort();
    expect(
      statuses.every((s) => s === 200 || s === 503),
      `statuses ${statuses}`,
    ).toBe(true);
    expect(samples.filter((s) => s.started < tDown).every((s) => s.status === 200)).toBe(true);

    // every request made while the cluster was down got a 503 problem+json naming the cause
    const down = samples.filter((s) => s.started >= tStopped && s.ended < tStarting);
    expect(down.length).toBeGreaterThan(10);
    for (const s of down) {
      expect(s.status, `${s.path} while down`).toBe(503);
      expect(s.type).toContain('application/problem+json');
      expect(JSON.parse(s.body)).toMatchObject({ status: 503, title: 'Service Unavailable' });
    }

    // back within 5 s of the cluster's return, and stays back
    const firstOk = samples.filter((s) => s.started >= tUp && s.status === 200).sort((a, b) => a.ended - b.ended)[0];
    expect(firstOk, 'no 200 after the database came back').toBeDefined();
    const recoveryMs = (firstOk as Sample).ended - tUp;
    expect(recoveryMs).toBeLessThanOrEqual(5000);
    const late = samples.filter((s) => s.started >= tUp + 5000);
    expect(late.length).toBeGreaterThan(10);
    expect(late.filter((s) => s.status !== 200).map((s) => `${s.path} ${s.status} ${s.body.slice(0, 200)}`)).toEqual(
      [],
    );
    console.log(
      `pg restart: ${samples.length} requests, ${down.length} while down (all 503), recovered ${Math.round(recoveryMs)} ms after the database was back`,
    );
  }, 60_000);
});
