/**
 * A private, throw-away PostgreSQL 15 cluster on a loopback port for the fault and scale-out tests: they stop,
 * start and replicate it without disturbing the shared cluster other suites use. initdb runs as the `postgres`
 * user (PostgreSQL refuses to run as root); the PostGIS extension files are installed system-wide.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where the PostgreSQL 15 server binaries live (`PG_BIN_DIR` overrides). */
export const PG_BIN = process.env.PG_BIN_DIR || '/usr/lib/postgresql/15/bin';

/** Why a private cluster cannot be made here, or '' when it can. */
export function clusterSkipReason(): string {
  if (!fs.existsSync(path.join(PG_BIN, 'initdb')))
    return `PostgreSQL 15 binaries not found in ${PG_BIN} (set PG_BIN_DIR)`;
  if (process.platform !== 'linux') return 'private clusters are only set up on Linux';
  const uid = process.getuid?.() ?? -1;
  if (uid === 0) {
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      return 'running as root but there is no postgres user to own a private cluster';
    }
  }
  if (!fs.existsSync('/usr/share/postgresql/15/extension/postgis.control'))
    return 'PostGIS 3 for PostgreSQL 15 is not installed';
  return '';
}

function command(cmd: string, args: string[]): [string, string[]] {
  return (process.getuid?.() ?? -1) === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

function asPostgres(cmd: string, args: string[], options: { timeout?: number } = {}): string {
  const [file, argv] = command(cmd, args);
  return execFileSync(file, argv, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: options.timeout ?? 60_000,
  });
}

/** `asPostgres` without blocking the event loop (traffic keeps flowing while the cluster stops or starts). */
function asPostgresAsync(cmd: string, args: string[]): Promise<void> {
  const [file, argv] = command(cmd, args);
  return new Promise((resolve, reject) => {
    execFile(file, argv, { timeout: 60_000 }, (err, _out, stderr) =>
      err ? reject(new Error(`${cmd}: ${stderr || err.message}`)) : resolve(),
    );
  });
}

/** A running (or stopped) private cluster. */
export interface PgCluster {
  port: number;
  dir: string;
  /** `postgres://postgres@127.0.0.1:port/db`. */
  url(db?: string): string;
  start(): Promise<void>;
  /** Stops the server (`fast` mode by default: open connections are cut, as in a restart). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Stops it and deletes its folder. */
  destroy(): void;
}

function makeDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o700);
  if ((process.getuid?.() ?? -1) === 0) execFileSync('chown', ['postgres:postgres', dir]);
  return dir;
}

function cluster(dir: string, port: number): PgCluster {
  const pgCtl = path.join(PG_BIN, 'pg_ctl');
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  return {
    port,
    dir,
    url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`,
    start: () =>
      asPostgresAsync(pgCtl, [
        '-D',
        dir,
        '-l',
        path.join(dir, 'server.log'),
        '-w',
        '-t',
        '60',
        '-o',
        opts,
        'start',
      ]).catch((err: Error) => {
        // the server's own log says why (the folder is deleted with the cluster, so it goes in the error)
        const log = path.join(dir, 'server.log');
        const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '(no log)';
        throw new Error(`${err.message}\nserver.log:\n${tail}`);
      }),
    stop: (mode = 'fast') => asPostgresAsync(pgCtl, ['-D', dir, '-m', mode, '-w', '-t', '60', 'stop']),
    destroy() {
      try {
        asPostgres(pgCtl, ['-D', dir, '-m', 'immediate', '-w', 'stop'], { timeout: 20_000 });
      } catch {
        /* not running */
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** initdb a new cluster listening on 127.0.0.1:`port` (trust auth, WAL for replicas) and starts it. */
export async function createCluster(port: number): Promise<PgCluster> {
  const dir = makeDir(`gimpo-pg${port}-`);
  asPostgres(
    path.join(PG_BIN, 'initdb'),
    ['-D', dir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'],
    {
      timeout: 120_000,
    },
  );
  fs.appendFileSync(
    path.join(dir, 'postgresql.conf'),
    [
      '',
      '# private test cluster',
      'shared_buffers = 32MB',
      'max_connections = 60',
      'wal_level = replica',
      'max_wal_senders = 4',
      'hot_standby = on',
      'fsync = off',
      'full_page_writes = off',
      'logging_collector = off',
      '',
    ].join('\n'),
  );
  const c = cluster(dir, port);
  await c.start();
  return c;
}

/** A streaming replica of `primary` (`pg_basebackup -R`) listening on `port`, started. */
export async function createReplica(primary: PgCluster, port: number): Promise<PgCluster> {
  const dir = makeDir(`gimpo-pg${port}-`);
  asPostgres(
    path.join(PG_BIN, 'pg_basebackup'),
    ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', dir, '-R', '-X', 'stream', '-c', 'fast'],
    { timeout: 120_000 },
  );
  const c = cluster(dir, port);
  await c.start();
  return c;
}
