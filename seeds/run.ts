/** `npm run seed`: migrate and load the sample data into the configured database (idempotent). */
import { loadConfig } from '../api/src/config.js';
import { startDatabase } from '../api/src/startup.js';

const config = { ...loadConfig(), seedOnStart: true };
const db = await startDatabase(config, console.log);
await db.close();
console.log('seed: done');
