/**
 * Raw-HTTP fuzz: seeded hostile bytes over a real socket to the server as `server.ts` runs it (the same Node
 * server options and `clientError` handler) — broken request lines, headers with control characters, no colon
 * or past the size limit, lying or doubled Content-Length, broken chunked bodies, absolute-form and odd
 * methods, and clients that stall mid-request. In-process fuzzing (`fuzz.test.ts`) never reaches this layer.
 * No answer may be a 5xx, every error answer under /api is problem+json, and afterwards the server still answers
 * and no collection has changed. RAW_FUZZ_COUNT and FUZZ_SEED override the count and the seed.
 */

import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { serve } from '@hono/node-server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTION_IDS, COLLECTIONS } from '../../api/src/collections.js';
import { answerClientError, httpServerOptions } from '../../api/src/problem.js';
import { mulberry32 } from '../../scripts/lib/random.js';
import { openBackend, skipReason, type TestBackend } from '../support/backends.js';

const SEED = Number(process.env.FUZZ_SEED || 20261124);
const COUNT = Number(process.env.RAW_FUZZ_COUNT || 400);

interface RawCase {
  what: string;
  /** Chunks written one after another (a pause between them when `pauseMs` is set). */
  chunks: (string | Buffer)[];
  pauseMs?: number;
  /** Stop writing and leave the connection open (a stalled client); the test closes it after `waitMs`. */
  stall?: boolean;
}

const PATHS = [
  '/api/health',
  '/api/collections/wifi/items?limit=2',
  '/api/search?q=%EC%82%AC%EC%9A%B0',
  '/api/tiles/wifi/14/13958/6344.mvt',
  '/api/reports',
  '/api/auth/login',
  '/api/imports',
  '/',
];

function rawCase(r: () => number): RawCase {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const path = pick(PATHS);
  const junk = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
  switch (Math.floor(r() * 14)) {
    case 0:
      return { what: 'random bytes', chunks: [junk(1 + Math.floor(r() * 300))] };
    case 1:
      return { what: 'request line without version', chunks: [`GET ${path}\r\n\r\n`] };
    case 2:
      return {
        what: 'unknown HTTP version',
        chunks: [`GET ${path} HTTP/${pick(['9.9', '0.0', '1.x', '2.0'])}\r\n\r\n`],
      };
    case 3:
      return {
        what: 'control character in a header value',
        chunks: [`GET ${path} HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\u0007c\r\n\r\n`],
      };
    case 4:
      return { what: 'header without a colon', chunks: [`GET ${path} HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n`] };
    case 5:
      return {
        what: 'headers past the size limit',
        chunks: [`GET ${path} HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(1_100_000)}\r\n\r\n`],
      };
    case 6:
      return {
        what: 'two different Content-Length headers',
        chunks: [`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello`],
      };
    case 7:
      return {
        what: 'Content-Length larger than the body, then close',
        chunks: [
          `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`,
        ],
      };
    case 8:
      return {
        what: 'negative Content-Length',
        chunks: [`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n`],
      };
    case 9:
      return {
        what: 'broken chunked body',
        chunks: [
          `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
          pick(['zz\r\nabc\r\n0\r\n\r\n', '5\r\nab\r\n0\r\n\r\n', 'fffffffffffffffff\r\n', '3\r\nabc']),
        ],
      };
    case 10:
      return {
        what: 'chunked and Content-Length together',
        chunks: [
          `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
        ],
      };
    case 11:
      return {
        what: 'absolute-form target or odd method',
        chunks: [
          `${pick(['GET http://evil.example', 'CONNECT evil.example:443', 'TRACE', 'PROPFIND', 'BREW'])}${pick(['', path])} HTTP/1.1\r\nHost: x\r\n\r\n`,
        ],
      };
    case 12:
      return {
        what: 'request split in slow pieces',
        chunks: [`GET ${path} HT`, 'TP/1.1\r\nHo', 'st: x\r\n', '\r\n'],
        pauseMs: 30,
      };
    default:
      return {
        what: 'client stalls mid-headers',
        chunks: [`GET ${path} HTTP/1.1\r\nHost: x\r\nX-Slow: `],
        stall: true,
      };
  }
}

/** Sends a raw case and returns the status line's code (undefined when the server closed without answering). */
function send(port: number, c: RawCase): Promise<{ status?: number; contentType?: string; path?: string }> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let data = '';
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(data)?.[1];
      const contentType = /\r\ncontent-type: ([^\r\n]*)/i.exec(data)?.[1];
      resolve({ status: status ? Number(status) : undefined, contentType });
    };
    const timer = setTimeout(finish, c.stall ? 300 : 5_000);
    socket.on('data', (d) => {
      data += d.toString('latin1');
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', async () => {
      for (const chunk of c.chunks) {
        if (socket.destroyed) return;
        socket.write(chunk);
        if (c.pauseMs) await new Promise((r) => setTimeout(r, c.pauseMs));
      }
      if (!c.stall) socket.end();
    });
  });
}

async function fingerprint(b: TestBackend): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const id of COLLECTION_IDS) {
    const r = await sql<{
      md5: string | null;
    }>`select md5(coalesce(string_agg(to_jsonb(t)::text, '|' order by t.id), ''))
      as md5 from ${sql.table(COLLECTIONS[id].table)} t`.execute(b.db.kysely);
    out[id] = r.rows[0]?.md5 ?? '';
  }
  return out;
}

describe('raw-HTTP fuzz on a real socket', () => {
  const reason = skipReason('pglite');
  let b: TestBackend;
  let server: ReturnType<typeof serve>;
  let port = 0;

  beforeAll(async () => {
    if (reason) return;
    b = await openBackend('pglite');
    server = serve({ fetch: b.app.fetch, port: 0, hostname: '127.0.0.1', serverOptions: httpServerOptions });
    server.on('clientError', answerClientError);
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    if (server) await new Promise((resolve) => server.close(resolve));
    await b?.close();
  });

  it.skipIf(reason)(
    `answers ${COUNT} hostile raw requests without a 5xx and keeps serving`,
    async () => {
      const before = await fingerprint(b);
      const r = mulberry32(SEED);
      const statuses = new Map<string, number>();
      const failures: string[] = [];
      // eight at a time, as several clients would
      const cases = Array.from({ length: COUNT }, () => rawCase(r));
      for (let i = 0; i < cases.length; i += 8) {
        const batch = cases.slice(i, i + 8);
        const answers = await Promise.all(batch.map((c) => send(port, c)));
        answers.forEach((a, k) => {
          const c = batch[k] as RawCase;
          const key = String(a.status ?? 'closed');
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
          if (a.status !== undefined && a.status >= 500) failures.push(`${a.status} for ${c.what}`);
          if (a.status !== undefined && a.status >= 400 && !a.contentType?.includes('problem+json')) {
            // a page path's 404 is HTML; everything else must be problem+json
            if (!/text\/html/.test(a.contentType ?? '')) failures.push(`${a.status} ${a.contentType} for ${c.what}`);
          }
        });
      }
      console.log(
        `raw-HTTP fuzz: ${COUNT} requests (seed ${SEED}): ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}`,
      );
      expect(failures).toEqual([]);
      // the 400/431 answers are the parser's: the server must have refused most of these itself
      expect((statuses.get('400') ?? 0) + (statuses.get('431') ?? 0)).toBeGreaterThan(COUNT / 4);
      const health = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(health.status).toBe(200);
      expect(await fingerprint(b)).toEqual(before);
    },
    300_000,
  );
});
