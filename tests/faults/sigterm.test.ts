/**
 * Graceful shutdown: on SIGTERM the server stops taking connections, finishes every request already in flight
 * (they get their whole 200 answer), closes the database and exits 0.
 */
import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, signalTree, startServer, stopServer, waitHealthy } from '../load/server.js';
import { embeddedDataDir } from './embedded.js';

const PORT = 8855;

/** What one request of the batch got. */
interface Answer {
  status: number;
  ended: number;
  features: number;
  error: string;
}

describe('SIGTERM drains in-flight requests (embedded PGlite)', () => {
  let dir: string;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    dir = await embeddedDataDir();
  }, 120_000);

  afterAll(async () => {
    if (server) await stopServer(server, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers every request it accepted, then exits 0', async () => {
    server = startServer({ port: PORT, env: { DATA_DIR: dir, DATABASE_URL: '', SEED: '0' } });
    await waitHealthy(server, 120_000);
    const base = server.url;
    // 16 heavy pages (all update lines, full geometry): the embedded database serves them one after another,
    // so most are still queued when the signal arrives
    const heavy = '/api/collections/update-lines/items?limit=10000';
    const t0 = performance.now();
    let firstAnswer!: () => void;
    const answered = new Promise<void>((resolve) => {
      firstAnswer = resolve;
    });
    const sent: Promise<void>[] = [];
    const results = Array.from({ length: 16 }, () => {
      let written!: () => void;
      sent.push(
        new Promise<void>((resolve) => {
          written = resolve;
        }),
      );
      return new Promise<Answer>((resolve) => {
        const fail = (err: Error) =>
          resolve({
            status: 0,
            ended: performance.now(),
            features: 0,
            error: `${err} after ${Math.round(performance.now() - t0)} ms`,
          });
        const req = http.get(base + heavy, { agent: false }, (res) => {
          firstAnswer();
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', fail);
          res.on('end', () => {
            try {
              const features = (JSON.parse(Buffer.concat(chunks).toString()) as { features: unknown[] }).features
                .length;
              resolve({ status: res.statusCode ?? 0, ended: performance.now(), features, error: '' });
            } catch (err) {
              fail(err as Error);
            }
          });
        });
        // "sent" = connected (so the kernel holds the connection for the server) and the whole request written:
        // a request's 'finish' alone fires once it is handed to a socket that may still be connecting
        let connected = false;
        let finished = false;
        const check = () => connected && finished && written();
        req.on('socket', (socket) =>
          socket.once('connect', () => {
            connected = true;
            check();
          }),
        );
        req.on('finish', () => {
          finished = true;
          check();
        });
        req.on('error', fail);
      });
    });
    // signal once every request is connected and written, and the server is answering the batch
    await Promise.all(sent);
    await answered;
    const tTerm = performance.now();
    signalTree(server.child.pid as number, 'SIGTERM');
    const answers = await Promise.all(results);
    const code = await server.exited;
    expect(
      answers.filter((a) => a.error).map((a) => a.error),
      `SIGTERM sent ${Math.round(tTerm - t0)} ms after the requests; exit ${code}; server log:\n${server.output()}`,
    ).toEqual([]);

    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(new Set(answers.map((a) => a.features)).size).toBe(1);
    expect((answers[0] as { features: number }).features).toBeGreaterThan(100);
    // the drain was real: some answers were still being produced after the signal
    const afterTerm = answers.filter((a) => a.ended > tTerm).length;
    expect(afterTerm).toBeGreaterThan(0);
    expect(code).toBe(0);
    expect(server.output()).toContain('SIGTERM');
    // and nothing listens any more
    await expect(fetch(`${base}/api/health`)).rejects.toThrow();
    console.log(
      `SIGTERM: ${answers.length} in-flight requests all answered 200 (${afterTerm} finished after the signal), exit 0`,
    );
  }, 180_000);
});
