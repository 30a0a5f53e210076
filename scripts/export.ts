/**
 * `npm run export -- <collection> [--format geojson|csv|shp] [--srid 4326|5186] [--encoding cp949|utf-8]
 * [--bbox w,s,e,n] [--datetime a/b] [--PROPERTY VALUE …] [--out FILE]`: writes a collection, or the
 * selection the items filters pick, to a file the importer reads back unchanged. Exit code 0 written (with
 * any warning — text cut to the shapefile's 254 bytes, a UTF-8 fallback — on stderr), 1 refused (e.g.
 * --encoding cp949 for values CP949 cannot hold, each named), 2 usage.
 */
import fs from 'node:fs';
import { COLLECTION_IDS, type CollectionId, getCollection } from '../api/src/collections.js';
import { loadConfig } from '../api/src/config.js';
import { ApiError } from '../api/src/errors.js';
import { EXPORT_FORMATS, type ExportOptions, exportCollection } from '../api/src/export/index.js';
import { parseEncoding } from '../api/src/import/encoding.js';
import { parseBbox, parseDatetime, queryables } from '../api/src/ogc/params.js';
import { startDatabase } from '../api/src/startup.js';

const USAGE = `usage: npm run export -- <collection> [--format geojson|csv|shp] [--srid 4326|5186] [--encoding cp949|utf-8]
                           [--bbox w,s,e,n] [--datetime start/end] [--<queryable> value …] [--out FILE]
collections: ${COLLECTION_IDS.join(', ')}`;

/** Parses the command line into export options and the output path. */
export function parseExportArgs(argv: string[]): { collection: CollectionId; options: ExportOptions; out?: string } {
  const [collection, ...rest] = argv;
  const def = collection ? getCollection(collection) : undefined;
  if (!def) throw new Error(collection ? `unknown collection "${collection}"` : 'expected <collection>');
  const options: ExportOptions = { format: 'geojson', query: { filters: {} } };
  let out: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i] as string;
    const v = rest[++i];
    if (!flag.startsWith('--') || v === undefined) throw new Error(`expected --option value, got "${flag}"`);
    const name = flag.slice(2);
    if (name === 'format') {
      if (!(EXPORT_FORMATS as readonly string[]).includes(v)) throw new Error('--format must be geojson, csv or shp');
      options.format = v as ExportOptions['format'];
    } else if (name === 'srid') {
      if (v !== '4326' && v !== '5186') throw new Error('--srid must be 4326 or 5186');
      options.srid = Number(v) as 4326 | 5186;
    } else if (name === 'encoding') {
      const e = parseEncoding(v);
      if (!e) throw new Error('--encoding must be cp949 or utf-8');
      options.encoding = e;
    } else if (name === 'out') out = v;
    else if (name === 'bbox') options.query = { ...options.query, bbox: parseBbox(v) };
    else if (name === 'datetime') options.query = { ...options.query, datetime: parseDatetime(v) };
    else {
      const p = queryables(def).find((q) => q.name === name);
      if (!p)
        throw new Error(
          `--${name} is not a filter of ${def.id} (filters: ${queryables(def)
            .map((q) => q.name)
            .join(', ')})`,
        );
      const typed = p.type === 'integer' || p.type === 'number' ? Number(v) : p.type === 'boolean' ? v === 'true' : v;
      options.query = { ...options.query, filters: { ...options.query?.filters, [name]: typed } };
    }
  }
  return { collection: def.id, options, out };
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseExportArgs>;
  try {
    args = parseExportArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const db = await startDatabase({ ...loadConfig(), seedOnStart: false }, (m) => console.error(m));
  try {
    const def = getCollection(args.collection);
    if (!def) return 2;
    let file: Awaited<ReturnType<typeof exportCollection>>;
    try {
      file = await exportCollection(db.kysely, def, args.options);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      console.error(`refused: ${err.message}`);
      for (const e of err.errors ?? []) console.error(`  ${e.row ? `row ${e.row}: ` : ''}${e.field}: ${e.message}`);
      return 1;
    }
    const out = args.out ?? file.fileName;
    fs.writeFileSync(out, file.body);
    console.error(
      `wrote ${file.count} features to ${out} (${file.body.length.toLocaleString('en')} bytes${file.encoding ? `, ${file.encoding}` : ''})`,
    );
    for (const w of file.warnings) console.error(`warning: ${w}`);
    return 0;
  } finally {
    await db.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop() as string)) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error((err as Error).message ?? err);
      process.exit(1);
    },
  );
}
