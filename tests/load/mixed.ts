/**
 * Mixed public traffic against a server child process on loopback: map tiles, item pages in bbox windows,
 * nearest Wi-Fi, search, stats, collection documents, health and the web page, driven by autocannon with a
 * rotating request list, while the server's resident memory is sampled every second.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { mulberry32 as rng } from '../../scripts/lib/random.js';
import { sampleMemory, startServer, stopServer, waitHealthy } from './server.js';

/** Figures of one mixed-traffic run. */
export interface MixedResult {
  backend: string;
  seconds: number;
  connections: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Mean RSS (MB) over the first and the last quarter of the run, and the peak. */
  rssFirst: number;
  rssLast: number;
  rssPeak: number;
}

/** The request paths of the mix (seeded): what citizens opening the map generate. */
export function mixedPaths(seed = 8): string[] {
  const r = rng(seed);
  const lon = () => 126.55 + r() * 0.22;
  const lat = () => 37.6 + r() * 0.16;
  const tile = (z: number) => {
    const x = Math.floor(((lon() + 180) / 360) * 2 ** z);
    const rad = (lat() * Math.PI) / 180;
    const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * 2 ** z);
    return `${z}/${x}/${y}`;
  };
  const paths: string[] = [];
  for (let i = 0; i < 40; i++) {
    const w = lon();
    const s = lat();
    const box = `${w.toFixed(5)},${s.toFixed(5)},${(w + 0.02).toFixed(5)},${(s + 0.015).toFixed(5)}`;
    paths.push(`/api/tiles/${r() < 0.5 ? 'wifi' : 'update-lines'}/${tile(12 + Math.floor(r() * 4))}.mvt`);
    paths.push(
      `/api/tiles/${['sculptures', 'signage', 'update-areas', 'admin-areas'][i % 4]}/${tile(11 + Math.floor(r() * 3))}.mvt`,
    );
    paths.push(`/api/collections/${['wifi', 'update-lines', 'signage'][i % 3]}/items?bbox=${box}&limit=50`);
    if (i % 2 === 0) paths.push(`/api/wifi/nearest?lon=${lon().toFixed(5)}&lat=${lat().toFixed(5)}&limit=5`);
    if (i % 4 === 0)
      paths.push(
        `/api/search?q=${encodeURIComponent(['김포', '공원', 'Gimpo', '포수', '전광판'][i % 5] as string)}&limit=10`,
      );
    if (i % 16 === 0) paths.push('/api/stats/summary', '/api/stats/coverage');
    if (i % 8 === 4) paths.push('/api/collections', '/api/health', '/api/collections/signage/items/1', '/');
  }
  return paths;
}

/** Options of a mixed run. */
export interface MixedOptions {
  port: number;
  seconds: number;
  connections: number;
  /** PostgreSQL to serve from; the embedded database in a new temp folder when absent. */
  databaseUrl?: string;
  /** Seconds of untimed warm-up (tile cache, JIT) before the measured run. */
  warmup?: number;
}

/** Starts a server, checks every path answers 200, warms up, then drives it for `seconds`. */
export async function runMixed(o: MixedOptions): Promise<MixedResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gimpo-load-'));
  const env = o.databaseUrl
    ? { DATABASE_URL: o.databaseUrl, DATABASE_READ_URLS: '' }
    : { DATA_DIR: dir, DATABASE_URL: '' };
  const server = startServer({ port: o.port, env });
  try {
    await waitHealthy(server, 240_000);
    const paths = mixedPaths();
    const bad: string[] = [];
    for (const p of new Set(paths)) {
      const res = await fetch(server.url + p);
      await res.arrayBuffer();
      if (res.status !== 200) bad.push(`${p} → ${res.status}`);
    }
    if (bad.length) throw new Error(`paths of the mix that do not answer 200:\n${bad.join('\n')}`);
    const requests = paths.map((p) => ({ method: 'GET' as const, path: p }));
    if (o.warmup) await autocannon({ url: server.url, connections: o.connections, duration: o.warmup, requests });
    const mem = sampleMemory(server, 1000);
    const r = await autocannon({
      url: server.url,
      connections: o.connections,
      duration: o.seconds,
      requests,
      timeout: 10,
    });
    const m = mem.stop();
    const q = Math.max(1, Math.floor(m.samples.length / 4));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    if (server.hasExited()) throw new Error(`the server exited during the run:\n${server.output()}`);
    return {
      backend: o.databaseUrl ? 'postgres' : 'pglite',
      seconds: o.seconds,
      connections: o.connections,
      requests: r.requests.total,
      rps: r.requests.average,
      p50: r.latency.p50,
      p99: r.latency.p99,
      max: r.latency.max,
      errors: r.errors,
      timeouts: r.timeouts,
      non2xx: r.non2xx,
      rssFirst: mean(m.samples.slice(0, q)),
      rssLast: mean(m.samples.slice(-q)),
      rssPeak: m.peak,
    };
  } finally {
    await stopServer(server);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One line describing a run, for logs and reports. */
export function describeMixed(r: MixedResult): string {
  return `${r.backend}: ${r.seconds} s × ${r.connections} connections: ${r.requests} requests, ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms, errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}; RSS ${Math.round(r.rssFirst)} → ${Math.round(r.rssLast)} MB (peak ${Math.round(r.rssPeak)} MB)`;
}
