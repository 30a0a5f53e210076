import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { serve } from '@hono/node-server';
import { loadConfig } from './config.js';
import { StartupError } from './errors.js';
import { answerClientError, httpServerOptions } from './problem.js';

/**
 * postgres.js 3.4.x can throw from a timer when a connection closes under it, e.g. while PostgreSQL restarts
 * (porsager/postgres#1066, #1154, #1208; unfixed in 3.4.9): `socket.write` on a socket it has already dropped.
 * db/postgres-dialect.ts avoids the known trigger (reserved connections); this is the backstop: the error is
 * logged rather than fatal, so the other requests keep being served. Any other uncaught exception still ends the
 * process, as Node would.
 */
function isPostgresClosedSocketError(err: unknown): boolean {
  return (
    err instanceof TypeError &&
    /reading 'write'|evaluating 'socket\.write'/.test(err.message) &&
    /postgres[\\/]src[\\/]connection\.js/.test(err.stack ?? '')
  );
}

process.on('uncaughtException', (err) => {
  if (isPostgresClosedSocketError(err)) {
    console.warn(
      `[${new Date().toISOString()}] database connection dropped mid-write (postgres.js); the pool reconnects`,
    );
    return;
  }
  console.error(err);
  process.exit(1);
});

/** How long a connection with nothing in flight is kept during a drain, in case its request is still unread. */
const IDLE_GRACE_MS = 500;
/** The longest the listener stays open after a signal to take the connections the kernel already queued. */
const BACKLOG_MAX_MS = 5_000;

/** How long a SIGTERM/SIGINT waits for in-flight requests before exiting anyway (orchestrators wait 30 s). */
const DRAIN_MS = 25_000;

/**
 * Tracks the connections of `server` and the requests each one is answering; returns a function that closes
 * the connections with nothing in flight. It also replaces `server.closeIdleConnections`, which `close()` calls:
 * Node's own counts a connection as idle once `res.end()` was called even while the answer is still being
 * written to a slow client, and would cut that answer off.
 */
function trackConnections(server: Server): () => void {
  // per connection: requests in flight, when it last did something (accepted, request, answer sent), and how
  // many sweeps in a row found it idle
  const state = new Map<Socket, { busy: number; since: number; idleSweeps: number }>();
  server.on('connection', (socket: Socket) => {
    state.set(socket, { busy: 0, since: performance.now(), idleSweeps: 0 });
    socket.on('close', () => state.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const s = state.get(req.socket);
    if (!s) return;
    s.busy += 1;
    s.since = performance.now();
    s.idleSweeps = 0;
    res.on('close', () => {
      s.busy = Math.max(0, s.busy - 1);
      s.since = performance.now();
    });
  });
  // A connection accepted a moment ago may hold a request not read yet. It is closed only once it has been idle
  // for IDLE_GRACE_MS and at two sweeps: sweeps run from a timer, so the event loop has polled the socket in
  // between (and would have read a waiting request), however long a query blocked the loop meanwhile.
  const closeIdle = () => {
    const now = performance.now();
    for (const [socket, s] of state) {
      if (s.busy > 0 || socket.writableLength > 0) {
        s.idleSweeps = 0;
        continue;
      }
      s.idleSweeps += 1;
      if (s.idleSweeps >= 2 && now - s.since >= IDLE_GRACE_MS) socket.destroy();
    }
  };
  server.closeIdleConnections = closeIdle;
  return closeIdle;
}

/**
 * Calls `done` once the connections the kernel has queued for `server` are taken: Node accepts them a few per
 * turn of the event loop, and closing the listener resets the rest. Done after two turns in a row took none
 * (each turn polls the listener), or after BACKLOG_MAX_MS if clients keep connecting.
 */
function whenBacklogTaken(server: Server, done: () => void): void {
  let accepted = 0;
  const count = () => {
    accepted += 1;
  };
  server.on('connection', count);
  const started = performance.now();
  const turn = (seen: number, quiet: number) =>
    setImmediate(() => {
      const calm = accepted === seen ? quiet + 1 : 0;
      if (calm >= 2 || performance.now() - started > BACKLOG_MAX_MS) {
        server.off('connection', count);
        done();
      } else turn(accepted, calm);
    });
  turn(accepted, 0);
}

/** Entry point of `npm start`: open (and on first start migrate and seed) the database, then serve. */
async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  // the database is opened before the app's modules load (seconds on a busy machine), so that a start-up problem
  // is reported as soon as it can be seen
  const { startDatabase } = await import('./startup.js');
  const db = await startDatabase(config, (msg) => console.log(msg));
  const { createApp } = await import('./app.js');
  const app = createApp({ db, config });
  const server = serve(
    { fetch: app.fetch, port: config.port, hostname: config.host, serverOptions: httpServerOptions },
    (info) => {
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`Gimpo asset map on http://localhost:${info.port}/ (API /api, ${db.backend}) — ready in ${secs} s`);
    },
  );
  // a request Node cannot parse (e.g. headers past httpServerOptions.maxHeaderSize) gets problem+json, not a bare status
  server.on('clientError', answerClientError);
  server.on('error', async (err: NodeJS.ErrnoException) => {
    console.error(
      err.code === 'EADDRINUSE'
        ? `error: port ${config.port} is already in use; stop the other server or set PORT`
        : `error: ${err.message}`,
    );
    await db.close();
    process.exit(1);
  });
  const closeIdle = trackConnections(server as Server);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing open requests, then closing the database`);
    const force = setTimeout(() => {
      console.error(`error: open requests not finished within ${DRAIN_MS / 1000} s; exiting anyway`);
      process.exit(1);
    }, DRAIN_MS);
    force.unref();
    // Connections the kernel has queued but Node has not accepted yet (the embedded database blocks the event
    // loop while a query runs) would be reset by closing the listener at once: take them first.
    whenBacklogTaken(server as Server, () => {
      server.close(async () => {
        await db.close();
        console.log(`${signal}: stopped`);
        process.exit(0);
      });
      // keep-alive connections that go idle once their answer is sent are closed too, so the drain ends as
      // soon as the last in-flight request has been answered
      setInterval(closeIdle, 100).unref();
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  if (err instanceof StartupError) console.error(`error: ${err.message}`);
  else console.error(`error: ${(err as Error).message ?? err}`);
  process.exit(1);
});
