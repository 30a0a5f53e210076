import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTemplate, countIn, runCli } from './cli-test-support.js';
import { parseExportArgs } from './export.js';

describe('npm run export arguments', () => {
  it('parses the documented options and filters', () => {
    expect(
      parseExportArgs([
        'update-lines',
        '--facility',
        'water',
        '--format',
        'shp',
        '--srid',
        '5186',
        '--encoding',
        'cp949',
        '--out',
        'water.zip',
      ]),
    ).toEqual({
      collection: 'update-lines',
      options: { format: 'shp', srid: 5186, encoding: 'cp949', query: { filters: { facility: 'water' } } },
      out: 'water.zip',
    });
    expect(() => parseExportArgs(['wifi', '--format', 'kml'])).toThrow(/geojson, csv or shp/);
    expect(() => parseExportArgs(['wifi', '--colour', 'red'])).toThrow(/not a filter of wifi/);
  });
});

describe('npm run export, end to end (a child process on a throwaway embedded database)', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = copyTemplate();
  });
  afterAll(() => {
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes a 5186 shapefile zip that npm run import loads back; refuses CP949 it cannot write', {
    timeout: 300_000,
  }, async () => {
    const out = path.join(dataDir, 'water.zip');
    // the seeded lines' sources hold "—", which CP949 has no code for: asked for explicitly, nothing is written
    const refused = await runCli(
      'export',
      ['update-lines', '--facility', 'water', '--format', 'shp', '--srid', '5186', '--encoding', 'cp949', '--out', out],
      dataDir,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^refused: CP949 cannot hold \d+ value\(s\)/m);
    expect(refused.stderr).toMatch(/^ {2}row 1: source: feature \d+: "—" \(U\+2014\) has no CP949 code$/m);
    expect(fs.existsSync(out)).toBe(false);

    // the default encoding falls back to UTF-8 and says so
    const ok = await runCli(
      'export',
      ['update-lines', '--facility', 'water', '--format', 'shp', '--srid', '5186', '--out', out],
      dataDir,
    );
    expect(ok.code, ok.stderr).toBe(0);
    const wrote = /wrote (\d+) features to .*water\.zip \([\d,]+ bytes, utf-8\)/.exec(ok.stderr);
    expect(wrote, ok.stderr).not.toBeNull();
    const n = Number(wrote?.[1]);
    expect(n).toBeGreaterThan(100);
    expect(ok.stderr).toMatch(/^warning: written as UTF-8 \(the \.cpg says so\)/m);
    expect(Object.keys(unzipSync(new Uint8Array(fs.readFileSync(out)))).sort()).toEqual([
      'WTL_PIPE_LM.cpg',
      'WTL_PIPE_LM.dbf',
      'WTL_PIPE_LM.prj',
      'WTL_PIPE_LM.shp',
      'WTL_PIPE_LM.shx',
    ]);

    const back = await runCli('import', ['update-lines', out, '--replace'], dataDir);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(
      /^LOADED: water\.zip → update-lines \(water\) {2}\[shapefile, layer WTL_PIPE_LM, EPSG:5186 from prj, utf-8\]/,
    );
    expect(back.stdout).toContain(`inserted ${n}, replaced ${n}`);
    const counts = await countIn(dataDir, {
      water: "select count(*)::int as n from update_lines where facility = 'water'",
      dash: "select count(*)::int as n from update_lines where facility = 'water' and source like '%—%'",
      linked: "select count(*)::int as n from update_lines where facility = 'water' and area_id is not null",
    });
    expect(counts).toMatchObject({ water: n, dash: n });
    expect(counts.linked).toBeGreaterThan(0);
  });
});
