/**
 * Runs the real server as a child process on a loopback port, as `npm start` does, for the bench, the load test and the fault tests: start, wait for a healthy `/api/health`, read
 * the resident memory of its process tree, stop it by its own process id.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { ROOT_DIR } from '../../api/src/config.js';

/** A server child process started by `startServer`. */
export interface ServerProcess {
  /** Base URL, e.g. `http://127.0.0.1:8851`. */
  url: string;
  child: ChildProcess;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** Whether the process has exited. */
  hasExited(): boolean;
}

/** Options of `startServer`. */
export interface StartOptions {
  port: number;
  /** Extra environment (DATA_DIR, DATABASE_URL, SEED …); PORT and HOST are set from `port`. */
  env?: Record<string, string | undefined>;
}

/**
 * Spawns the server as `npm start` runs it (`node --import tsx api/src/server.ts`: one process, so signals reach
 * the server itself rather than the tsx wrapper, which SIGKILLs a child that does not confirm a signal within
 * 30 ms) in its own process group, listening on 127.0.0.1:`port`.
 */
export function startServer({ port, env = {} }: StartOptions): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/src/server.ts'], {
    cwd: ROOT_DIR,
    env: { ...process.env, NODE_ENV: 'production', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      done = true;
      resolve(code ?? signal ?? -1);
    });
  });
  return { url: `http://127.0.0.1:${port}`, child, output: () => out, exited, hasExited: () => done };
}

/** Polls `GET /api/health` every `everyMs` until it answers 200; returns the milliseconds waited. */
export async function waitHealthy(server: ServerProcess, timeoutMs = 120_000, everyMs = 50): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (server.hasExited()) throw new Error(`server exited before it was healthy:\n${server.output()}`);
    try {
      const res = await fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - started;
    } catch {
      /* not listening yet */
    }
    await sleep(everyMs);
  }
  throw new Error(`server not healthy within ${timeoutMs / 1000} s:\n${server.output()}`);
}

/** Sends `signal` to the server's process group and waits (up to `timeoutMs`) for it to exit. */
export async function stopServer(
  server: ServerProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  timeoutMs = 15_000,
): Promise<number | string> {
  if (server.hasExited() || server.child.pid === undefined) return server.exited;
  signalTree(server.child.pid, signal);
  const timer = setTimeout(() => {
    if (!server.hasExited() && server.child.pid !== undefined) signalTree(server.child.pid, 'SIGKILL');
  }, timeoutMs);
  const code = await server.exited;
  clearTimeout(timer);
  return code;
}

/** Signals the process group led by `pid` (tsx and the node process it runs). */
export function signalTree(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone */
    }
  }
}

/** Ids of `pid` and all its descendants (Linux /proc). */
export function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(entry));
      parents.set(ppid, list);
    } catch {
      /* exited meanwhile */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of parents.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/** Current (`VmRSS`) and peak (`VmHWM`) resident memory in MB, summed over the server's process tree. */
export function memoryMb(server: ServerProcess): { rss: number; peak: number } {
  let rss = 0;
  let peak = 0;
  if (server.child.pid === undefined) return { rss, peak };
  for (const pid of processTree(server.child.pid)) {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      rss += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      peak += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    } catch {
      /* exited meanwhile */
    }
  }
  return { rss, peak };
}

/** Samples `memoryMb` every `everyMs` until stopped; reports the highest values seen. */
export function sampleMemory(
  server: ServerProcess,
  everyMs = 200,
): { stop(): { rss: number; peak: number; samples: number[] } } {
  const samples: number[] = [];
  let peak = 0;
  const take = () => {
    const m = memoryMb(server);
    samples.push(m.rss);
    peak = Math.max(peak, m.peak);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { rss: Math.max(...samples), peak, samples };
    },
  };
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
