/**
 * `npm run test:load`: 60 s of mixed public traffic at 64 connections on loopback against a real server process
 * (the embedded database in a new folder, or PostgreSQL at LOAD_DATABASE_URL). Asserts no socket error, no
 * timeout, no non-2xx answer, p99 ≤ 200 ms (LOAD_P99_MS) and flat memory: the mean resident memory of the last
 * quarter of the run at most 64 MB (LOAD_RSS_GROWTH_MB) above that of the first quarter.
 * LOAD_SECONDS and LOAD_CONNECTIONS override the duration and the connections.
 */
import { describe, expect, it } from 'vitest';
import { describeMixed, runMixed } from './mixed.js';

const SECONDS = Number(process.env.LOAD_SECONDS || 60);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS || 64);
const P99_MS = Number(process.env.LOAD_P99_MS || 200);
const RSS_GROWTH_MB = Number(process.env.LOAD_RSS_GROWTH_MB || 64);

describe('load: mixed traffic', () => {
  it(`${SECONDS} s at ${CONNECTIONS} connections: 0 errors, p99 ≤ ${P99_MS} ms, memory flat`, async () => {
    const r = await runMixed({
      port: 8859,
      seconds: SECONDS,
      connections: CONNECTIONS,
      warmup: 5,
      databaseUrl: process.env.LOAD_DATABASE_URL,
    });
    console.log(describeMixed(r));
    expect(r.errors + r.timeouts).toBe(0);
    expect(r.non2xx).toBe(0);
    expect(r.p99).toBeLessThanOrEqual(P99_MS);
    expect(r.rssLast - r.rssFirst).toBeLessThanOrEqual(RSS_GROWTH_MB);
  });
});
