/**
 * `npm run users -- <command>` — manage staff accounts. There is no default account and no default
 * password: every password comes from a hidden prompt or from standard input (`--password-stdin`).
 *
 *   add <username> --role admin|gis|pr|it [--name "Display name"] [--password-stdin]
 *   passwd <username> [--password-stdin]      (revokes the user's sessions)
 *   disable <username>                        (revokes the user's sessions)
 *   enable <username>
 *   list
 *
 * Uses the database of the server configuration (DATABASE_URL, else the embedded one in DATA_DIR; stop
 * the server first when it uses the embedded database).
 */
import { parseArgs } from 'node:util';
import { addUser, allUsers, ROLES, setDisabled, setPassword, UserError } from '../api/src/auth/users.js';
import { loadConfig } from '../api/src/config.js';
import { openDb } from '../api/src/db/client.js';
import { migrateToLatest } from '../api/src/db/migrate.js';
import { StartupError } from '../api/src/errors.js';

const USAGE = `usage: npm run users -- add <username> --role ${ROLES.join('|')} [--name "Display name"] [--password-stdin]
       npm run users -- passwd <username> [--password-stdin]
       npm run users -- disable <username>
       npm run users -- enable <username>
       npm run users -- list`;

/** Reads the whole of standard input (one password, trailing newline removed). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Asks for a password on the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    if (!stdin.isTTY) {
      reject(new UserError('no terminal to ask for the password: use --password-stdin'));
      return;
    }
    process.stdout.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const onData = (ch: string) => {
      for (const c of ch) {
        if (c === '\r' || c === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stdout.write('\n');
          resolve(value);
          return;
        }
        if (c === '\u0003') {
          stdin.setRawMode(false);
          process.stdout.write('\n');
          reject(new UserError('cancelled'));
          return;
        }
        if (c === '\u007f' || c === '\b') value = value.slice(0, -1);
        else value += c;
      }
    };
    stdin.on('data', onData);
  });
}

async function newPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdin();
  const first = await promptHidden('New password: ');
  const again = await promptHidden('Repeat it: ');
  if (first !== again) throw new UserError('the two passwords differ');
  return first;
}

/** Runs one command; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      name: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, username] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (command !== 'list' && !username) {
    console.error(`error: ${command} needs a user name\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const db = await openDb(config);
  try {
    await migrateToLatest(db.kysely);
    const name = username as string;
    switch (command) {
      case 'add': {
        if (!values.role) throw new UserError(`--role is required (${ROLES.join(', ')})`);
        const password = await newPassword(values['password-stdin'] ?? false);
        const user = await addUser(db.kysely, {
          username: name,
          role: values.role,
          password,
          displayName: values.name,
        });
        console.log(`added ${user.username} (${user.role})`);
        return 0;
      }
      case 'passwd': {
        const password = await newPassword(values['password-stdin'] ?? false);
        const revoked = await setPassword(db.kysely, name, password);
        console.log(`password of ${name} changed; ${revoked} session(s) revoked`);
        return 0;
      }
      case 'disable': {
        const revoked = await setDisabled(db.kysely, name, true);
        console.log(`${name} disabled; ${revoked} session(s) revoked`);
        return 0;
      }
      case 'enable': {
        await setDisabled(db.kysely, name, false);
        console.log(`${name} enabled`);
        return 0;
      }
      case 'list': {
        for (const u of await allUsers(db.kysely)) {
          console.log(`${u.username}\t${u.role}\t${u.disabled ? 'disabled' : 'active'}\t${u.displayName ?? ''}`);
        }
        return 0;
      }
      default:
        console.error(`error: unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UserError || err instanceof StartupError) console.error(`error: ${err.message}`);
    else console.error(`error: ${(err as Error).message ?? err}`);
    process.exit(1);
  },
);
