/**
 * `npm start`: the server (api/src/server.ts, run in this process) and, only when web/dist is missing or older
 * than its sources, a build of the web app in a child process at the same time.
 *
 * The build never delays or clutters the server's start: it runs beside it at a lower priority, says nothing
 * unless it fails, and is killed if the server exits (a start-up problem is reported on one line, as the server
 * prints it). It builds into a folder of its own and swaps it in whole, so the server never serves half a build:
 * until the first build is there, `/` answers a "being built, reload in a moment" page (api/src/web-page.ts), and
 * a rebuild replaces the previous build only once it is complete. `WEB_DIST_DIR` (a build made elsewhere) turns
 * the build off.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pidAlive } from '../api/src/db/client.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'web', 'dist');
/** What the build reads: a change to any of these makes web/dist stale. */
const SOURCES = ['web/src', 'web/index.html', 'web/vite.config.ts', 'web/tsconfig.json', 'package-lock.json'];
/** Builds in progress live here (ignored by git with node_modules), one folder per process. */
const WORK = path.join(ROOT, 'node_modules', '.cache', 'gimpo-web-build');

/** The latest modification time under `p` (a file or a folder, recursively); 0 when absent. */
function newest(p: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs; // a deleted file shows only here
  for (const name of fs.readdirSync(p)) latest = Math.max(latest, newest(path.join(p, name)));
  return latest;
}

/** Why web/dist needs building, or undefined when it is up to date. */
function buildReason(): string | undefined {
  const index = path.join(DIST, 'index.html');
  if (!fs.existsSync(index)) return 'missing';
  const built = fs.statSync(index).mtimeMs;
  const changed = SOURCES.find((s) => newest(path.join(ROOT, s)) > built);
  return changed ? `${changed} changed` : undefined;
}

/**
 * Takes the build lock (another `npm start` of the same checkout may be building: it then swaps in the build
 * this process would have made) and removes what builds of dead processes left behind.
 */
function takeBuildLock(): boolean {
  fs.mkdirSync(WORK, { recursive: true });
  for (const name of fs.readdirSync(WORK)) {
    const pid = Number(/^(?:out|old|lock)-(\d+)$/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !pidAlive(pid))
      fs.rmSync(path.join(WORK, name), { recursive: true, force: true });
  }
  if (fs.readdirSync(WORK).some((name) => name.startsWith('lock-'))) return false;
  fs.writeFileSync(path.join(WORK, `lock-${process.pid}`), '');
  return true;
}

/** Replaces web/dist with the finished build in `out` (renames: the server sees the old build or the new one). */
function swapIn(out: string): void {
  const old = path.join(WORK, `old-${process.pid}`);
  if (fs.existsSync(DIST)) fs.renameSync(DIST, old);
  try {
    fs.renameSync(out, DIST);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    fs.cpSync(out, DIST, { recursive: true });
  }
  fs.rmSync(old, { recursive: true, force: true });
}

/** Starts the quiet build of the web app; its output is kept and shown only if it fails. */
function startBuild(): ChildProcess {
  const out = path.join(WORK, `out-${process.pid}`);
  const lock = path.join(WORK, `lock-${process.pid}`);
  const started = Date.now();
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const args = ['build', '--config', 'web/vite.config.ts', '--logLevel', 'error', '--outDir', out];
  // its own process group, so that it and anything it starts can be stopped together
  const child = spawn(process.execPath, [vite, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  try {
    if (child.pid) os.setPriority(child.pid, 10); // the server's start comes first
  } catch {
    /* not permitted: same priority */
  }
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const cleanUp = () => {
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(lock, { force: true });
  };
  child.on('exit', (code, signal) => {
    try {
      if (code === 0) {
        // the build began from the sources as they were at `started`: a later edit still counts as newer
        const index = path.join(out, 'index.html');
        fs.utimesSync(index, new Date(started), new Date(started));
        swapIn(out);
      } else if (!signal) {
        process.stderr.write(
          `error: building the web app failed (exit ${code}); the API keeps running. Build output:\n${output.trim()}\n`,
        );
      }
    } catch (err) {
      process.stderr.write(`error: installing the web app build failed: ${(err as Error).message}\n`);
    } finally {
      cleanUp();
    }
  });
  process.on('exit', () => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    try {
      cleanUp();
    } catch {
      /* the next start removes it */
    }
  });
  return child;
}

if (!process.env.WEB_DIST_DIR && buildReason() && takeBuildLock()) startBuild();
await import('../api/src/server.js');
