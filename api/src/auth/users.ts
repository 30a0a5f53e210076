/**
 * Managing staff accounts: what `npm run users` and the tests call. Passwords are checked for strength,
 * hashed with scrypt, and every change of password, role or state revokes the account's sessions.
 */
import type { Kysely } from 'kysely';
import type { Role } from '../collections.js';
import { findUser, insertUser, listUsers, type UserInfo, updateUserAndRevoke } from '../db/queries/users.js';
import type { Database } from '../db/schema.js';
import { hashPassword, passwordProblem } from './password.js';

/** Staff roles, in the order they are listed. */
export const ROLES: readonly Role[] = ['admin', 'gis', 'pr', 'it'];

/** A refused account operation, with a message for the operator. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

function checkUsername(username: string): void {
  if (!/^[a-z0-9][a-z0-9._-]{1,62}$/i.test(username)) {
    throw new UserError(`user name "${username}" must be 2–63 letters, digits, ".", "_" or "-"`);
  }
}

function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new UserError(`password ${problem}`);
}

/** Creates an account; refuses a taken name, an unknown role or a weak password. */
export async function addUser(
  db: Kysely<Database>,
  input: { username: string; role: string; password: string; displayName?: string },
): Promise<UserInfo> {
  checkUsername(input.username);
  if (!ROLES.includes(input.role as Role))
    throw new UserError(`role must be one of ${ROLES.join(', ')}, got "${input.role}"`);
  checkPassword(input.password);
  if (await findUser(db, input.username)) throw new UserError(`user "${input.username}" already exists`);
  const id = await insertUser(db, {
    username: input.username,
    role: input.role as Role,
    passwordHash: await hashPassword(input.password),
    displayName: input.displayName ?? null,
  });
  return {
    id,
    username: input.username,
    role: input.role as Role,
    displayName: input.displayName ?? null,
    disabled: false,
  };
}

async function existing(db: Kysely<Database>, username: string) {
  const user = await findUser(db, username);
  if (!user) throw new UserError(`no user "${username}"`);
  return user;
}

/** Sets a new password and revokes every session of the account; returns how many were revoked. */
export async function setPassword(db: Kysely<Database>, username: string, password: string): Promise<number> {
  checkPassword(password);
  const user = await existing(db, username);
  return updateUserAndRevoke(db, user.id, { passwordHash: await hashPassword(password) });
}

/** Disables (or re-enables) an account; disabling revokes every session. */
export async function setDisabled(db: Kysely<Database>, username: string, disabled: boolean): Promise<number> {
  const user = await existing(db, username);
  return updateUserAndRevoke(db, user.id, { disabled });
}

/** Every account, without hashes. */
export function allUsers(db: Kysely<Database>): Promise<UserInfo[]> {
  return listUsers(db);
}
