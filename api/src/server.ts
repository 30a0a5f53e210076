import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { StartupError } from './errors.js';
import { startDatabase } from './startup.js';

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

/** How long a SIGTERM/SIGINT waits for in-flight requests before exiting anyway (orchestrators wait 30 s). */
const DRAIN_MS = 25_000;

/**
 * Tracks the connections of `server` and the requests each one is answering; returns a function that closes
 * the connections with nothing in flight. It also replaces `server.closeIdleConnections`, which `close()` calls:
 * Node's own counts a connection as idle once `res.end()` was called even while the answer is still being
 * written to a slow client, and would cut that answer off.
 */
function trackConnections(server: Server): () => void {
  // per connection: requests in flight, and when it last did something (accepted, request, answer sent)
  const state = new Map<Socket, { busy: number; since: number }>();
  server.on('connection', (socket: Socket) => {
    state.set(socket, { busy: 0, since: performance.now() });
    socket.on('close', () => state.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const s = state.get(req.socket);
    if (!s) return;
    s.busy += 1;
    s.since = performance.now();
    res.on('close', () => {
      s.busy = Math.max(0, s.busy - 1);
      s.since = performance.now();
    });
  });
  // a connection accepted a moment ago may hold a request not read yet: it gets IDLE_GRACE_MS to show it
  const closeIdle = () => {
    const now = performance.now();
    for (const [socket, s] of state)
      if (s.busy === 0 && socket.writableLength === 0 && now - s.since >= IDLE_GRACE_MS) socket.destroy();
  };
  server.closeIdleConnections = closeIdle;
  return closeIdle;
}

/** Entry point of `npm start`: open (and on first start migrate and seed) the database, then serve. */
async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const db = await startDatabase(config, (msg) => console.log(msg));
  const app = createApp({ db, config });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`Gimpo asset map on http://localhost:${info.port}/ (API /api, ${db.backend}) — ready in ${secs} s`);
  });
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
    // Requests whose connection the kernel has accepted but the event loop has not read yet (the embedded
    // database blocks it while a query runs) would be reset by closing the listener at once: let one poll phase
    // read them first (the timer fires before it, the immediate after it).
    setTimeout(
      () =>
        setImmediate(() => {
          server.close(async () => {
            await db.close();
            console.log(`${signal}: stopped`);
            process.exit(0);
          });
          // keep-alive connections that go idle once their answer is sent are closed too, so the drain ends as
          // soon as the last in-flight request has been answered
          setInterval(closeIdle, 100).unref();
        }),
      200,
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  if (err instanceof StartupError) console.error(`error: ${err.message}`);
  else console.error(`error: ${(err as Error).message ?? err}`);
  process.exit(1);
});
