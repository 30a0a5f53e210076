import { seedAll } from '../../seeds/index.js';
import type { Config } from './config.js';
import { type Db, openDb } from './db/client.js';
import { migrateToLatest } from './db/migrate.js';

/** Opens the database, applies pending migrations and (unless disabled) loads the sample data. */
export async function startDatabase(config: Config, log: (msg: string) => void = () => {}): Promise<Db> {
  const db = await openDb(config);
  try {
    const applied = await migrateToLatest(db.kysely);
    if (applied.length) log(`migrated: ${applied.join(', ')}`);
    if (config.seedOnStart) {
      const report = await seedAll(db.kysely, config.sharedDataDir);
      const inserted = Object.entries(report).filter(([, r]) => r.inserted > 0);
      if (inserted.length) log(`seeded: ${inserted.map(([k, r]) => `${k} ${r.inserted}`).join(', ')}`);
      for (const [k, r] of Object.entries(report)) if (r.missing) log(`note: ${k} not loaded, ${r.missing} is missing`);
    }
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
