import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../api/src/config.js';
import { PGLITE_TEMPLATE_DIR } from '../support/env.js';

/** Starts the real server entry with extra environment; returns exit code, output and seconds taken. */
function startServer(env: Record<string, string>) {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'api/src/server.ts')], {
    cwd: ROOT_DIR,
    env: { ...process.env, PORT: '8798', HOST: '127.0.0.1', DATABASE_URL: '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() && !l.startsWith('npm warn'));
  return { status: r.status, lines, seconds: (performance.now() - started) / 1000 };
}

function hashTree(dir: string): string {
  const h = createHash('sha256');
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isFile()) h.update(f).update(fs.readFileSync(p));
  }
  return h.digest('hex');
}

describe('start-up refuses bad conditions with one clear line', () => {
  it('names an unreachable DATABASE_URL and exits non-zero within 10 s', () => {
    const r = startServer({ DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/gimpo' });
    expect(r.status).not.toBe(0);
    expect(r.seconds).toBeLessThan(10);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^error: cannot reach PostgreSQL .*DATABASE_URL/);
    expect(r.lines[0]).not.toContain('secret');
  });

  it('refuses a data folder in use by another process', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gimpo-locked-'));
    fs.writeFileSync(path.join(dir, 'server.lock'), String(process.pid)); // this live test process holds it
    const r = startServer({ DATA_DIR: dir });
    expect(r.status).not.toBe(0);
    expect(r.seconds).toBeLessThan(10);
    expect(r.lines).toEqual([expect.stringMatching(/^error: data folder .* is in use by another server \(pid \d+\)/)]);
    expect(fs.readFileSync(path.join(dir, 'server.lock'), 'utf8')).toBe(String(process.pid));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a corrupt embedded database and leaves its files untouched', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gimpo-corrupt-'));
    fs.cpSync(path.join(PGLITE_TEMPLATE_DIR, 'pgdata'), path.join(dir, 'pgdata'), { recursive: true });
    const control = path.join(dir, 'pgdata', 'global', 'pg_control');
    // one flipped bit in the control data (the cluster's state, checkpoint location…) is enough
    const bytes = fs.readFileSync(control);
    bytes[40] = (bytes[40] as number) ^ 0x01;
    fs.writeFileSync(control, bytes);
    const before = hashTree(dir);
    const r = startServer({ DATA_DIR: dir });
    expect(r.status).not.toBe(0);
    expect(r.seconds).toBeLessThan(10);
    expect(r.lines).toEqual([expect.stringMatching(/^error: the embedded database in .* cannot be opened .*corrupt/)]);
    expect(hashTree(dir)).toBe(before);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
