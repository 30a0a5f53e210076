/**
 * The short version of `npm run test:load` that runs with `npm test`: 10 s of the same mixed traffic at 16
 * connections against the embedded server. Asserts every answer is a 200 (no socket error, no timeout), the
 * server stays up and its memory does not grow by more than 64 MB; the latency target (p99 ≤ 200 ms at 64
 * connections) is the long test's, as this machine is shared — the smoke run prints its figures.
 */
import { describe, expect, it } from 'vitest';
import { describeMixed, runMixed } from './mixed.js';

describe('load smoke: mixed traffic', () => {
  it('10 s at 16 connections: every answer a 200, memory bounded', async () => {
    const r = await runMixed({ port: 8860, seconds: 10, connections: 16, warmup: 2 });
    console.log(describeMixed(r));
    expect(r.requests).toBeGreaterThan(50);
    expect(r.errors + r.timeouts).toBe(0);
    expect(r.non2xx).toBe(0);
    expect(r.rssLast - r.rssFirst).toBeLessThanOrEqual(64);
  }, 300_000);
});
