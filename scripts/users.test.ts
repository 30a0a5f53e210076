import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../api/src/auth/password.js';
import { loadConfig, ROOT_DIR } from '../api/src/config.js';
import { openDb } from '../api/src/db/client.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gimpo-users-cli-'));
const TSX = path.join(ROOT_DIR, 'node_modules', '.bin', 'tsx');

function users(args: string[], input?: string) {
  const r = spawnSync(TSX, [path.join(ROOT_DIR, 'scripts', 'users.ts'), ...args], {
    cwd: ROOT_DIR,
    env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '' },
    input: input ?? '',
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function row(username: string) {
  const db = await openDb({ ...loadConfig({}), dataDir: dir });
  try {
    const user = await db.kysely.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    const sessions = await db.kysely.selectFrom('sessions').selectAll().execute();
    return { user, sessions };
  } finally {
    await db.close();
  }
}

// each run starts tsx and opens the embedded database: slow on a busy machine
describe('npm run users', { timeout: 400_000 }, () => {
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('adds a user only with a password given on stdin (or a terminal prompt), stored as scrypt', async () => {
    const noPassword = users(['add', 'kim', '--role', 'pr']);
    expect(noPassword.code).toBe(1);
    expect(noPassword.err).toMatch(/--password-stdin/);
    const weak = users(['add', 'kim', '--role', 'pr', '--password-stdin'], 'short\n');
    expect(weak.code).toBe(1);
    expect(weak.err).toMatch(/at least 10/);
    const ok = users(['add', 'kim', '--role', 'pr', '--password-stdin'], 'long enough pass\n');
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    const { user } = await row('kim');
    expect(user?.password_hash).toMatch(/^scrypt\$/);
    expect(user?.password_hash).not.toContain('long enough pass');
    expect(await verifyPassword('long enough pass', user?.password_hash ?? '')).toBe(true);
    expect(users(['add', 'kim', '--role', 'pr', '--password-stdin'], 'long enough pass\n').err).toMatch(
      /already exists/,
    );
  });

  it('passwd changes the hash; disable and list report the state', async () => {
    const before = (await row('kim')).user?.password_hash;
    expect(users(['passwd', 'kim', '--password-stdin'], 'another long pass\n').code).toBe(0);
    const after = (await row('kim')).user;
    expect(after?.password_hash).not.toBe(before);
    expect(await verifyPassword('another long pass', after?.password_hash ?? '')).toBe(true);
    expect(users(['disable', 'kim']).code).toBe(0);
    expect((await row('kim')).user?.disabled).toBe(true);
    const list = users(['list']);
    expect(list.out).toMatch(/^kim\tpr\tdisabled/m);
  });
});
