/**
 * `npm run import -- <collection> <file> [--srid N] [--encoding cp949|utf-8] [--filter 설치시군구명=김포시]
 * [--replace] [--skip-invalid] [--dry-run] [--json]`: imports a Wi-Fi standard CSV, a GeoJSON or a
 * shapefile (.zip or .shp) into the database the server uses (DATABASE_URL, else the embedded one in
 * DATA_DIR). A progress bar goes to stderr; the report to stdout. Exit code 0 loaded/dry run, 1 refused, 2 usage.
 */
import fs from 'node:fs';
import os from 'node:os';
import { COLLECTION_IDS, type CollectionId } from '../api/src/collections.js';
import { loadConfig } from '../api/src/config.js';
import { ApiError, StartupError } from '../api/src/errors.js';
import { parseEncoding } from '../api/src/import/encoding.js';
import { runImport } from '../api/src/import/run.js';
import type { ImportOptions, ImportProgress, ImportReport } from '../api/src/import/types.js';
import { startDatabase } from '../api/src/startup.js';

const USAGE = `usage: npm run import -- <collection> <file> [--srid N] [--encoding cp949|utf-8] [--filter FIELD=VALUE]
                           [--replace] [--skip-invalid] [--dry-run] [--json]
collections: ${COLLECTION_IDS.join(', ')}`;

/** Parses the command line into import options (without the progress callback). */
export function parseImportArgs(argv: string[]): Omit<ImportOptions, 'onProgress'> & { json: boolean } {
  const positional: string[] = [];
  const o: Partial<ImportOptions> & { json: boolean } = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const [flag, inline] =
      a.startsWith('--') && a.includes('=') && !a.startsWith('--filter=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--srid') {
      const n = Number(value());
      if (!Number.isInteger(n)) throw new Error('--srid must be an EPSG code such as 5186');
      o.srid = n;
    } else if (flag === '--encoding') {
      const e = parseEncoding(value());
      if (!e) throw new Error('--encoding must be cp949 or utf-8');
      o.encoding = e;
    } else if (flag === '--filter' || flag.startsWith('--filter=')) {
      const v = flag.startsWith('--filter=') ? flag.slice(9) : value();
      const eq = v.indexOf('=');
      if (eq < 1) throw new Error('--filter takes FIELD=VALUE, e.g. 설치시군구명=김포시');
      o.filter = { ...(o.filter ?? {}), [v.slice(0, eq)]: v.slice(eq + 1) };
    } else if (flag === '--replace') o.replace = true;
    else if (flag === '--skip-invalid') o.skipInvalid = true;
    else if (flag === '--dry-run') o.dryRun = true;
    else if (flag === '--json') o.json = true;
    else if (flag.startsWith('--')) throw new Error(`unknown option ${flag}`);
    else positional.push(a);
  }
  const [collection, file] = positional;
  if (!collection || !file || positional.length > 2) throw new Error('expected <collection> <file>');
  if (!(COLLECTION_IDS as readonly string[]).includes(collection))
    throw new Error(`unknown collection "${collection}"`);
  return { ...o, collection: collection as CollectionId, file } as ReturnType<typeof parseImportArgs>;
}

/** A one-line progress bar for stderr. */
export function progressBar(p: ImportProgress, started: number, width = 30): string {
  const frac = p.totalBytes ? Math.min(1, p.bytes / p.totalBytes) : 0;
  const done = Math.round(frac * width);
  const secs = (Date.now() - started) / 1000;
  return `[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${p.rows.toLocaleString('en')} rows  ${secs.toFixed(1)} s`;
}

/** The report as text for a person. */
export function formatReport(r: ImportReport): string {
  const lines = [
    `${r.status.toUpperCase()}: ${r.file} → ${r.collection}${r.facility ? ` (${r.facility})` : ''}  [${r.format}, layer ${r.layer}, EPSG:${r.srid} from ${r.sridFrom}${r.encoding ? `, ${r.encoding}` : ''}]`,
    `read ${r.read}, filtered out ${r.filtered}, valid ${r.valid}, invalid ${r.invalid}, inserted ${r.inserted}${r.deleted ? `, replaced ${r.deleted}` : ''}  (${(r.ms / 1000).toFixed(1)} s)`,
  ];
  if (r.linesAssigned) lines.push(`${r.linesAssigned} update line(s) without an area assigned to the area they lie in`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  if (r.hint) lines.push(`likely cause: ${r.hint}`);
  for (const e of r.errors) lines.push(`  row ${e.row}: ${e.field}: ${e.message}`);
  if (r.errorCount > r.errors.length) lines.push(`  … and ${r.errorCount - r.errors.length} more`);
  if (r.status === 'refused')
    lines.push('Nothing was written. Fix the rows above, or load the valid rows with --skip-invalid.');
  return lines.join('\n');
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseImportArgs>;
  try {
    args = parseImportArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!fs.existsSync(args.file)) {
    console.error(`no such file: ${args.file}`);
    return 2;
  }
  // migrate, but never seed: seeding would re-add sample rows an import --replace removed
  const db = await startDatabase({ ...loadConfig(), seedOnStart: false }, (m) => console.error(m));
  const started = Date.now();
  const tty = process.stderr.isTTY;
  let last = 0;
  try {
    const report = await runImport(db.kysely, {
      ...args,
      user: { id: null, username: `cli:${os.userInfo().username}` },
      onProgress: (p) => {
        const now = Date.now();
        if (now - last < 200 && p.bytes < p.totalBytes) return;
        last = now;
        if (tty) process.stderr.write(`\r${progressBar(p, started)}`);
        else if (p.totalBytes > 5_000_000) process.stderr.write(`${progressBar(p, started)}\n`);
      },
    });
    if (tty) process.stderr.write('\n');
    console.log(args.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.status === 'refused' ? 1 : 0;
  } catch (err) {
    if (tty) process.stderr.write('\n');
    if (err instanceof ApiError) {
      console.error(`refused: ${err.message}`);
      for (const e of err.errors ?? []) console.error(`  ${e.field}: ${e.message}`);
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop() as string)) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof StartupError ? err.message : err);
      process.exit(1);
    },
  );
}
