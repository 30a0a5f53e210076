import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../api/src/config.js';
import { pgliteMajorVersion } from '../../api/src/db/pg-control.js';
import { openBackend } from '../support/backends.js';
import { PGLITE_TEMPLATE_DIR } from '../support/env.js';

/** What `npm start` runs (package.json), as npm runs it: `sh -c`. */
const START_SCRIPT = (
  JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts.start as string;

interface Run {
  status: number | null;
  pid: number | undefined;
  /** Non-empty lines of stdout and stderr together. */
  lines: string[];
  seconds: number;
}

/** Runs a command to its end (killed after 30 s) without blocking this process, so listeners here can answer. */
function run(command: string, args: string[], env: Record<string, string>, cwd = ROOT_DIR): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, PORT: '8798', HOST: '127.0.0.1', DATABASE_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('error', reject);
    child.on('close', (status) => {
      const lines = out.split('\n').filter((l) => l.trim() && !l.startsWith('npm warn'));
      resolve({ status, pid: child.pid, lines, seconds: (performance.now() - started) / 1000 });
    });
  });
}

/** Starts the server entry itself with extra environment. */
const startServer = (env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'api/src/server.ts')], env);

/** A start-up refusal: non-zero exit within 10 s, one line, no stack trace. */
function expectOneLineRefusal(r: Run, pattern: RegExp): void {
  expect(r.lines, r.lines.join('\n')).toHaveLength(1);
  expect(r.lines[0]).toMatch(pattern);
  expect(r.lines[0]).not.toMatch(/\n\s+at |^\w*Error:/);
  expect(r.status).not.toBe(0);
  expect(r.status).not.toBeNull(); // not killed by the 30 s timeout
  expect(r.seconds).toBeLessThan(10);
}

function hashTree(dir: string): string {
  const h = createHash('sha256');
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const p = path.join(dir, f);
    h.update(f);
    if (fs.statSync(p).isFile()) h.update(fs.readFileSync(p));
  }
  return h.digest('hex');
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A listener on a free loopback port; returns a postgres:// URL pointing at it. */
async function listener(server: net.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return `postgres://postgres:secret@127.0.0.1:${(server.address() as net.AddressInfo).port}/gimpo`;
}

describe('npm start', () => {
  it('with an unreachable DATABASE_URL: one line naming it, non-zero exit within 10 s', async () => {
    const r = await run('npm', ['start'], { DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/gimpo' });
    // npm echoes the script it runs (two lines starting with '>'); everything else is the app's
    const [banner, app] = [r.lines.filter((l) => l.startsWith('> ')), r.lines.filter((l) => !l.startsWith('> '))];
    expect(banner).toEqual([expect.stringMatching(/^> gimpo-asset-map@.* start$/), `> ${START_SCRIPT}`]);
    expectOneLineRefusal({ ...r, lines: app }, /^error: cannot reach PostgreSQL .*DATABASE_URL/);
    expect(app[0]).not.toContain('secret');
  });

  it('builds the web app beside the server and stops the build when the server cannot start', async () => {
    // a copy of the checkout without web/dist (the shared one is left alone), on the same node_modules
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gimpo-start-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    for (const p of ['package.json', 'package-lock.json', 'api', 'seeds', 'scripts/start.ts']) {
      fs.cpSync(path.join(ROOT_DIR, p), path.join(dir, p), { recursive: true });
    }
    fs.cpSync(path.join(ROOT_DIR, 'web'), path.join(dir, 'web'), {
      recursive: true,
      filter: (src) => !src.startsWith(path.join(ROOT_DIR, 'web', 'dist')),
    });
    fs.symlinkSync(path.join(ROOT_DIR, 'node_modules'), path.join(dir, 'node_modules'));
    const r = await run('sh', ['-c', START_SCRIPT], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/gimpo' }, dir);
    expectOneLineRefusal(r, /^error: cannot reach PostgreSQL .*DATABASE_URL/);
    // the build it started (web/dist was missing) is gone with the server, and so is its output
    const work = path.join(ROOT_DIR, 'node_modules', '.cache', 'gimpo-web-build');
    await new Promise((res) => setTimeout(res, 300));
    const building = fs
      .readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`out-${r.pid}`);
        } catch {
          return false;
        }
      });
    expect(building).toEqual([]);
    expect(fs.existsSync(path.join(work, `out-${r.pid}`))).toBe(false);
    expect(fs.existsSync(path.join(work, `lock-${r.pid}`))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'web', 'dist'))).toBe(false);
  });

  it('names DATABASE_URL and the form expected when it is not a URL', async () => {
    const r = await run('sh', ['-c', START_SCRIPT], { DATABASE_URL: 'not a url', WEB_DIST_DIR: 'web/dist' });
    expectOneLineRefusal(
      r,
      /^error: DATABASE_URL is not a PostgreSQL URL; expected postgres:\/\/user:password@host:5432\/database/,
    );
  });
});

describe('start-up refuses bad conditions with one clear line', () => {
  it('names an unreachable DATABASE_URL and exits non-zero within 10 s', async () => {
    const r = await startServer({ DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/gimpo' });
    expectOneLineRefusal(r, /^error: cannot reach PostgreSQL .*DATABASE_URL/);
    expect(r.lines[0]).not.toContain('secret');
  });

  it('gives up on a listener that accepts the connection and closes it at once', async () => {
    const url = await listener(net.createServer((socket) => socket.destroy()));
    const r = await startServer({ DATABASE_URL: url });
    expectOneLineRefusal(r, /^error: cannot reach PostgreSQL .*DATABASE_URL/);
    expect(r.lines[0]).not.toContain('secret');
  });

  it('gives up on a listener that accepts the connection and never answers', async () => {
    const sockets: net.Socket[] = [];
    const url = await listener(net.createServer((socket) => sockets.push(socket)));
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
    });
    const r = await startServer({ DATABASE_URL: url });
    expectOneLineRefusal(r, /^error: cannot reach PostgreSQL .*does not speak PostgreSQL.*DATABASE_URL/);
  });

  it('gives up on an HTTP server', async () => {
    const url = await listener(http.createServer((_req, res) => res.end('hello')));
    const r = await startServer({ DATABASE_URL: url });
    expectOneLineRefusal(r, /^error: cannot reach PostgreSQL .*DATABASE_URL/);
  });

  it('refuses a data folder in use by another process', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gimpo-locked-'));
    fs.writeFileSync(path.join(dir, 'server.lock'), String(process.pid)); // this live test process holds it
    const r = await startServer({ DATA_DIR: dir });
    expectOneLineRefusal(r, /^error: data folder .* is in use by another server \(pid \d+\)/);
    expect(fs.readFileSync(path.join(dir, 'server.lock'), 'utf8')).toBe(String(process.pid));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of the seeded template with `damage` applied to its pgdata folder. */
  function damaged(damage: (pgdata: string) => void): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gimpo-corrupt-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.cpSync(path.join(PGLITE_TEMPLATE_DIR, 'pgdata'), path.join(dir, 'pgdata'), { recursive: true });
    damage(path.join(dir, 'pgdata'));
    return dir;
  }

  const emptyFolder = (dir: string) => {
    for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f), { recursive: true });
  };

  it.each([
    [
      'one flipped bit in pg_control',
      (pgdata: string) => {
        const control = path.join(pgdata, 'global', 'pg_control');
        const bytes = fs.readFileSync(control);
        bytes[40] = (bytes[40] as number) ^ 0x01; // the cluster's state, checkpoint location…
        fs.writeFileSync(control, bytes);
      },
      /\(global\/pg_control fails its checksum\); it is corrupt: move that folder aside to start afresh .*, or restore it from a backup$/,
    ],
    [
      'its WAL segments deleted',
      (pgdata: string) => {
        for (const f of fs.readdirSync(path.join(pgdata, 'pg_wal'))) {
          if (/^[0-9A-F]{24}$/.test(f)) fs.rmSync(path.join(pgdata, 'pg_wal', f));
        }
      },
      /\(pg_wal holds no WAL segment\); it is corrupt: move that folder aside to start afresh .*, or restore it from a backup$/,
    ],
    [
      'PG_VERSION of another PostgreSQL',
      (pgdata: string) => fs.writeFileSync(path.join(pgdata, 'PG_VERSION'), '17\n'),
      /\(it was made by PostgreSQL 17, and this server runs PostgreSQL \d+\); move that folder aside to start afresh .*, or restore a backup/,
    ],
    [
      'pg_xact emptied',
      (pgdata: string) => emptyFolder(path.join(pgdata, 'pg_xact')),
      /\(pg_xact, the commit log, is empty\); it is corrupt: move that folder aside .*, or restore it from a backup$/,
    ],
    [
      'global/ emptied',
      (pgdata: string) => emptyFolder(path.join(pgdata, 'global')),
      /\(global\/pg_control is missing\); it is corrupt: move that folder aside .*, or restore it from a backup$/,
    ],
  ])('refuses an embedded database with %s, within 10 s, leaving its files untouched', async (_what, damage, cause) => {
    const dir = damaged(damage);
    const before = hashTree(dir);
    const r = await startServer({ DATA_DIR: dir });
    expectOneLineRefusal(r, /^error: the embedded database in .* cannot be opened \(/);
    expect(r.lines[0]).toMatch(cause);
    // every file as it was, and nothing added (the server's lock file is removed again)
    expect(hashTree(dir)).toBe(before);
  });

  it('reads the PostgreSQL version PGlite runs, which is the one of a folder it made', () => {
    const made = fs.readFileSync(path.join(PGLITE_TEMPLATE_DIR, 'pgdata', 'PG_VERSION'), 'utf8').trim();
    expect(pgliteMajorVersion()).toBe(made);
  });
});

describe('the web page before the web app is built', () => {
  it('says it is being built (503, Retry-After) and serves the build once it is there, without a restart', async () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'gimpo-dist-'));
    fs.rmSync(dist, { recursive: true });
    const b = await openBackend('pglite', { webDistDir: dist });
    cleanups.push(async () => {
      await b.close();
      fs.rmSync(dist, { recursive: true, force: true });
    });
    const res = await b.request('/');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('빌드하는 중');
    expect(html).toContain('The web app is being built. Reload in a moment');
    expect((await b.request('/api/health')).status).toBe(200);

    fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><html><head><title>built</title></head></html>');
    fs.writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log(1);');
    const built = await b.request('/');
    expect(built.status).toBe(200);
    expect(await built.text()).toContain('<title>built</title>');
    expect((await b.request('/assets/app.js')).status).toBe(200);
  });
});
