import { createHash, randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Role } from '../../collections.js';
import type { Database } from '../schema.js';

/** A staff account as the API shows it (never with its hash). */
export interface UserInfo {
  id: number;
  username: string;
  role: Role;
  displayName: string | null;
  disabled: boolean;
}

/** A staff account with its password hash, for login. */
export interface UserWithHash extends UserInfo {
  passwordHash: string;
}

/** The account with this user name (case-insensitive), or undefined. */
export async function findUser(db: Kysely<Database>, username: string): Promise<UserWithHash | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'username', 'role', 'display_name', 'disabled', 'password_hash'])
    .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    displayName: row.display_name,
    disabled: row.disabled,
    passwordHash: row.password_hash,
  };
}

/** Every account, by name. */
export async function listUsers(db: Kysely<Database>): Promise<UserInfo[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'username', 'role', 'display_name', 'disabled'])
    .orderBy('username')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    role: r.role,
    displayName: r.display_name,
    disabled: r.disabled,
  }));
}

/** Inserts an account with an already hashed password; returns its id. */
export async function insertUser(
  db: Kysely<Database>,
  user: { username: string; role: Role; passwordHash: string; displayName?: string | null },
): Promise<number> {
  const row = await db
    .insertInto('users')
    .values({
      username: user.username,
      role: user.role,
      password_hash: user.passwordHash,
      display_name: user.displayName ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Changes an account (password hash, role, disabled) and revokes all its sessions in the same transaction. */
export async function updateUserAndRevoke(
  db: Kysely<Database>,
  userId: number,
  change: { passwordHash?: string; role?: Role; disabled?: boolean },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({
        ...(change.passwordHash !== undefined ? { password_hash: change.passwordHash } : {}),
        ...(change.role !== undefined ? { role: change.role } : {}),
        ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
        updated_at: sql`now()`,
      })
      .where('id', '=', userId)
      .execute();
    const r = await trx
      .updateTable('sessions')
      .set({ revoked_at: new Date() })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows ?? 0);
  });
}

/** The stored form of a session token: its SHA-256, so a leaked table cannot be replayed. */
export function sessionKey(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a session for a user and returns its opaque token (256 random bits, base64url); drops sessions over for 30 days. */
export async function createSession(
  db: Kysely<Database>,
  userId: number,
  hours: number,
  meta: { ip?: string | null; userAgent?: string | null } = {},
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + hours * 3600_000);
  // sessions long over are of no use: keep the table small
  await db.deleteFrom('sessions').where(sql<boolean>`expires_at < now() - interval '30 days'`).execute();
  await db
    .insertInto('sessions')
    .values({
      id: sessionKey(token),
      user_id: userId,
      expires_at: expiresAt,
      revoked_at: null,
      ip: meta.ip ?? null,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { token, expiresAt };
}

/** The enabled user of a live session token (not revoked, not expired), or undefined. */
export async function userOfSession(db: Kysely<Database>, token: string): Promise<UserInfo | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.username', 'u.role', 'u.display_name', 'u.disabled'])
    .where('s.id', '=', sessionKey(token))
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', new Date())
    .where('u.disabled', '=', false)
    .executeTakeFirst();
  if (!row) return undefined;
  return { id: row.id, username: row.username, role: row.role, displayName: row.display_name, disabled: row.disabled };
}

/** Revokes one session by its token (logout, or rotation on a new login). */
export async function revokeSession(db: Kysely<Database>, token: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: new Date() })
    .where('id', '=', sessionKey(token))
    .where('revoked_at', 'is', null)
    .execute();
}
