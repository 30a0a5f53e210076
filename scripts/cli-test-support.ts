/**
 * Helpers of the CLI end-to-end tests (scripts/import.test.ts, scripts/export.test.ts): run
 * `npx tsx scripts/<cli>.ts` as a child process against a throwaway copy of the embedded test database.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { loadConfig, ROOT_DIR } from '../api/src/config.js';
import { openDb } from '../api/src/db/client.js';
import { PGLITE_TEMPLATE_DIR } from '../tests/support/env.js';

/** The shared fixtures, read in place. */
export const FIXTURES = process.env.FIXTURES_DIR || path.resolve(ROOT_DIR, '..', 'shared', 'data', 'fixtures');

/** Runs `npx tsx scripts/<script>.ts args…` against the embedded database in `dataDir`. */
export function runCli(
  script: 'import' | 'export',
  args: string[],
  dataDir: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  delete env.DATABASE_READ_URLS;
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', path.join(ROOT_DIR, 'scripts', `${script}.ts`), ...args], {
      cwd: ROOT_DIR,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A throwaway copy of the migrated, seeded embedded database the test setup built. */
export function copyTemplate(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gimpo-cli-'));
  fs.cpSync(PGLITE_TEMPLATE_DIR, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'server.lock'), { force: true });
  return dir;
}

/** Counts rows in the embedded database in `dataDir` (the CLI has exited and released it). */
export async function countIn(dataDir: string, queries: Record<string, string>): Promise<Record<string, number>> {
  const db = await openDb({ ...loadConfig({}), dataDir, seedOnStart: false });
  try {
    const out: Record<string, number> = {};
    for (const [name, q] of Object.entries(queries))
      out[name] = Number((await sql<{ n: number }>`${sql.raw(q)}`.execute(db.kysely)).rows[0]?.n);
    return out;
  } finally {
    await db.close();
  }
}
