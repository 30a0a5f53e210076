import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import postgres from 'postgres';
import type { Config } from '../config.js';
import { StartupError } from '../errors.js';
import { dataFolderProblem } from './pg-control.js';
import { PGliteDialect } from './pglite-dialect.js';
import { PostgresPoolDialect } from './postgres-dialect.js';
import { withPreparedStatements } from './prepared.js';
import type { Database } from './schema.js';

/** Which engine a database handle talks to. */
export type Backend = 'pglite' | 'postgres';

/** An open database: the Kysely instance every query goes through, and how to close it. */
export interface Db {
  kysely: Kysely<Database>;
  backend: Backend;
  /** Kysely instances for reads (replicas when configured, else the primary). */
  readers: Kysely<Database>[];
  /** The Kysely for one read-only query: a replica picked at random when configured, else the primary. */
  reader(): Kysely<Database>;
  /**
   * Follows the notifications on `channel` from every connection to the primary (this process, other server
   * processes, the import CLI, psql): `onPayload` gets each one once its transaction has committed. `onGap` is
   * called when the listening connection was lost and is back, so that notifications may have been missed.
   */
  listen(channel: string, onPayload: (payload: string) => void, onGap: () => void): Promise<void>;
  close(): Promise<void>;
}

const INT8 = 20;
const DATE = 1082;

/** Opens the database named by the configuration: PostgreSQL when `databaseUrl` is set, else PGlite. */
export async function openDb(config: Config): Promise<Db> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl, config);
  return openPGlite(config.dataDir);
}

function postgresClient(url: string, config: Config) {
  return postgres(url, {
    max: config.poolSize,
    connect_timeout: 5,
    idle_timeout: 60,
    // seconds before a closed connection reconnects: postgres.js grows this to 20 s while the server is down,
    // which would delay recovery after a PostgreSQL restart; capped at 1 s
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    onnotice: () => {},
    types: {
      int8: { to: INT8, from: [INT8], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
      date: { to: DATE, from: [DATE], serialize: (x: string) => x, parse: (x: string) => x },
    },
    connection: { application_name: 'gimpo-map' },
  });
}

/**
 * How long start-up waits for the server to answer PostgreSQL's first message. `connect_timeout` covers the TCP
 * connect only: a port that accepts connections but never speaks PostgreSQL (another service, a half-dead
 * proxy) would hang start-up.
 */
const FIRST_ANSWER_MS = 5_000;
/** How long start-up then waits for `select 1` from a server known to be PostgreSQL (it may just be busy). */
const FIRST_QUERY_MS = 30_000;
const CHECK_URL = "check that DATABASE_URL names the PostgreSQL server's host and port and that it is running";

/**
 * Whether the server at `url` answers like PostgreSQL: sends the 8-byte SSLRequest, which the server answers
 * with one byte (`S` or `N`) before any authentication, and waits at most `ms`. `foreign` when something else
 * answers (an HTTP server, say); `closed` when the connection is refused or closed without an answer; `silent`
 * when nothing comes back in time. Socket URLs are not probed.
 */
export function probePostgres(
  url: string,
  ms: number,
): Promise<'postgres' | 'foreign' | 'closed' | 'silent' | 'skipped'> {
  let host: string;
  let port: number;
  try {
    const u = new URL(url);
    host = decodeURIComponent(u.hostname).replace(/^\[|\]$/g, '');
    port = Number(u.port || 5432);
  } catch {
    return Promise.resolve('skipped');
  }
  if (!host || host.startsWith('/') || host.includes(',')) return Promise.resolve('skipped');
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result: 'postgres' | 'foreign' | 'closed' | 'silent') => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done('silent'), ms);
    // length 8, SSLRequest code 80877103
    socket.on('connect', () => socket.write(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f])));
    socket.on('data', (b) => done(b[0] === 0x53 || b[0] === 0x4e || b[0] === 0x45 ? 'postgres' : 'foreign'));
    socket.on('error', () => done('closed'));
    socket.on('close', () => done('closed'));
  });
}

async function openPostgres(url: string, config: Config): Promise<Db> {
  let client: postgres.Sql;
  try {
    client = postgresClient(url, config);
  } catch (err) {
    throw new StartupError(
      `DATABASE_URL cannot be read (${(err as Error).message}); expected postgres://user:password@host:5432/database`,
    );
  }
  const refuse = async (why: string) => {
    await client.end({ timeout: 0 }).catch(() => {});
    return new StartupError(`cannot reach PostgreSQL at ${redact(url)} (${why}); ${CHECK_URL}`);
  };
  const probe = await probePostgres(url, FIRST_ANSWER_MS);
  if (probe === 'silent') {
    throw await refuse(
      `no answer within ${FIRST_ANSWER_MS / 1000} s: something there accepts connections but does not speak PostgreSQL`,
    );
  }
  if (probe === 'foreign') throw await refuse('something else answers there, not PostgreSQL');
  try {
    await withTimeout(client`select 1`, FIRST_QUERY_MS);
  } catch (err) {
    throw await refuse(
      err instanceof TimeoutError
        ? `it accepted the connection but answered no query within ${FIRST_QUERY_MS / 1000} s`
        : (err as Error).message,
    );
  }
  const kysely = new Kysely<Database>({ dialect: new PostgresPoolDialect(client) });
  const readerClients = config.databaseReadUrls.map((u) => postgresClient(u, config));
  // reads go through prepared statements (see prepared.ts); on the primary they share its pool
  const readers = (readerClients.length ? readerClients : [client]).map(
    (c) => new Kysely<Database>({ dialect: new PostgresPoolDialect(withPreparedStatements(c)) }),
  );
  const listener = postgresListener(url);
  return {
    kysely,
    backend: 'postgres',
    readers,
    reader: () => readers[Math.floor(Math.random() * readers.length)] ?? kysely,
    listen: listener.listen,
    async close() {
      await listener.close();
      await Promise.all(readers.filter((r) => r !== kysely).map((r) => r.destroy()));
      await kysely.destroy();
    },
  };
}

/**
 * One dedicated connection to the primary that LISTENs (opened on the first `listen`). When it drops (say
 * PostgreSQL restarts), it is re-opened every 0.5 s until it can LISTEN again, and each channel's `onGap` runs.
 * postgres.js's own `listen()` is not used: it gives up re-listening when its first attempt fails.
 */
function postgresListener(url: string) {
  const channels = new Map<string, { onPayload: (payload: string) => void; onGap: () => void }[]>();
  let client: postgres.Sql | undefined;
  let closed = false;
  let reconnecting = false;
  const subscribe = (c: postgres.Sql, channel: string) => c`listen ${c(channel)}`;
  const reconnect = async () => {
    if (reconnecting || closed || !client) return;
    reconnecting = true;
    while (!closed) {
      try {
        for (const channel of channels.keys()) await subscribe(client, channel);
        for (const subs of channels.values()) for (const s of subs) s.onGap();
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    reconnecting = false;
  };
  const open = () =>
    postgres(url, {
      max: 1,
      connect_timeout: 5,
      idle_timeout: 0,
      max_lifetime: null,
      fetch_types: false,
      onnotice: () => {},
      connection: { application_name: 'gimpo-map-listen' },
      onclose: () => void reconnect(),
      // postgres.js calls `onnotify` for every NOTIFY on this connection; its typings omit the option
      ...({
        onnotify: (channel: string, payload: string) => {
          for (const s of channels.get(channel) ?? []) s.onPayload(payload);
        },
      } as object),
    });
  return {
    async listen(channel: string, onPayload: (payload: string) => void, onGap: () => void): Promise<void> {
      client ??= open();
      const subs = channels.get(channel);
      if (subs) {
        subs.push({ onPayload, onGap });
        return;
      }
      channels.set(channel, [{ onPayload, onGap }]);
      await subscribe(client, channel);
    },
    async close(): Promise<void> {
      closed = true;
      await client?.end({ timeout: 1 }).catch(() => {});
    },
  };
}

/** Hides the password of a connection URL for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/** Whether a process with this id is running (one of another user counts). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `dataDir/server.lock` for this process; refuses when another live process holds it. */
function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, 'server.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(lockFile, 'utf8') === String(process.pid)) fs.unlinkSync(lockFile);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StartupError(
          `cannot write to data folder ${dataDir} (${(err as Error).message}); set DATA_DIR to a writable folder`,
        );
      }
      const holder = Number(fs.readFileSync(lockFile, 'utf8').trim());
      if (holder && holder !== process.pid && pidAlive(holder)) {
        throw new StartupError(
          `data folder ${dataDir} is in use by another server (pid ${holder}); stop it first or set DATA_DIR to another folder`,
        );
      }
      fs.rmSync(lockFile, { force: true }); // stale lock of a dead process
    }
  }
  throw new StartupError(`cannot lock data folder ${dataDir}`);
}

async function openPGlite(dataDir: string): Promise<Db> {
  const pgDir = path.join(dataDir, 'pgdata');
  const unlock = lockDataDir(dataDir);
  // damage these read-only checks can see is refused before PGlite loads: at once, and with the folder untouched
  const problem = dataFolderProblem(pgDir);
  if (problem) {
    unlock();
    throw new StartupError(`the embedded database in ${pgDir} cannot be opened (${problem.cause}); ${problem.advice}`);
  }
  let pg: PGlite;
  try {
    // loaded only now: a start-up refused above (or one on PostgreSQL) does not wait for PGlite's modules
    const [{ PGlite }, { postgis }, { DURABLE_START_PARAMS, DurableNodeFS }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite-postgis'),
      import('./pglite-durable.js'),
    ]);
    pg = await withTimeout(
      PGlite.create({
        // fsync on, with a file system that really syncs: a commit is on disk when it returns (pglite-durable.ts)
        fs: new DurableNodeFS(pgDir),
        startParams: DURABLE_START_PARAMS,
        extensions: { postgis },
        parsers: { [INT8]: (x: string) => Number(x), [DATE]: (x: string) => x },
      }),
      60_000,
    );
    await pg.query('select 1');
  } catch (err) {
    unlock();
    throw new StartupError(
      `the embedded database in ${pgDir} cannot be opened (${(err as Error).message}); it may be corrupt: move that folder aside to start afresh (the sample data reloads), or restore it from a backup`,
    );
  }
  const kysely = new Kysely<Database>({ dialect: new PGliteDialect(pg) });
  return {
    kysely,
    backend: 'pglite',
    readers: [kysely],
    reader: () => kysely,
    async listen(channel, onPayload) {
      // one session: its own notifications arrive when a transaction commits
      await pg.listen(channel, onPayload);
    },
    async close() {
      await kysely.destroy();
      unlock();
    },
  };
}

/** The rejection of `withTimeout` when time ran out. */
class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(`timed out after ${ms / 1000} s`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
