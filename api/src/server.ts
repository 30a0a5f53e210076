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
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing open requests, then closing the database`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(async () => {
      await db.close();
      process.exit(0);
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
