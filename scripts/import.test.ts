import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTemplate, countIn, FIXTURES, runCli } from './cli-test-support.js';
import { formatReport, parseImportArgs, progressBar } from './import.js';

describe('npm run import arguments', () => {
  it('parses the documented options', () => {
    expect(
      parseImportArgs([
        'wifi',
        'a.csv',
        '--srid',
        '5186',
        '--encoding',
        'CP949',
        '--filter',
        '설치시군구명=김포시',
        '--replace',
        '--skip-invalid',
        '--dry-run',
      ]),
    ).toEqual({
      collection: 'wifi',
      file: 'a.csv',
      srid: 5186,
      encoding: 'cp949',
      filter: { 설치시군구명: '김포시' },
      replace: true,
      skipInvalid: true,
      dryRun: true,
      json: false,
    });
    expect(parseImportArgs(['admin-areas', 'b.zip', '--srid=5179', '--filter=EMD_CD=41570110']).filter).toEqual({
      EMD_CD: '41570110',
    });
  });
  it('refuses what it does not know', () => {
    expect(() => parseImportArgs(['roads', 'a.csv'])).toThrow(/unknown collection/);
    expect(() => parseImportArgs(['wifi'])).toThrow(/expected <collection> <file>/);
    expect(() => parseImportArgs(['wifi', 'a.csv', '--encoding', 'latin1'])).toThrow(/cp949 or utf-8/);
    expect(() => parseImportArgs(['wifi', 'a.csv', '--filter', 'novalue'])).toThrow(/FIELD=VALUE/);
    expect(() => parseImportArgs(['wifi', 'a.csv', '--force'])).toThrow(/unknown option/);
  });
  it('draws a progress bar and a report naming each bad row', () => {
    expect(progressBar({ rows: 5000, bytes: 50, totalBytes: 100 }, Date.now(), 10)).toMatch(
      /^\[#####\.\.\.\.\.\]\s+50%\s+5,000 rows/,
    );
    const text = formatReport({
      collection: 'wifi',
      file: 'bad.csv',
      format: 'csv',
      layer: 'bad',
      srid: 4326,
      sridFrom: 'format',
      status: 'refused',
      read: 2,
      filtered: 0,
      valid: 1,
      inserted: 0,
      invalid: 1,
      deleted: 0,
      errors: [{ row: 3, field: '설치장소명', message: 'is required and empty' }],
      errorCount: 1,
      warnings: [],
      ms: 12,
    });
    expect(text).toContain('row 3: 설치장소명: is required and empty');
    expect(text).toContain('Nothing was written');
  });
});

describe.skipIf(!fs.existsSync(FIXTURES))(
  'npm run import, end to end (a child process on a throwaway embedded database)',
  () => {
    let dataDir: string;
    beforeAll(() => {
      dataDir = copyTemplate();
    });
    afterAll(() => {
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });
    const wifiCsv = path.join(FIXTURES, 'wifi_standard_current_cp949.csv');
    const counts = () =>
      countIn(dataDir, {
        wifi: 'select count(*)::int as n from wifi',
        gp: "select count(*)::int as n from wifi where mgmt_no like 'GP-WIFI-%'",
        imports: "select count(*)::int as n from audit_log where action = 'import'",
      });

    it('--dry-run reports and writes nothing; a load exits 0; a bad file exits 1 listing each bad row', {
      timeout: 300_000,
    }, async () => {
      const before = await counts();
      expect(before.gp).toBe(0);

      const dry = await runCli('import', ['wifi', wifiCsv, '--filter', '설치시군구명=김포시', '--dry-run'], dataDir);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/^DRY-RUN: wifi_standard_current_cp949\.csv → wifi/);
      expect(dry.stdout).toContain('read 15, filtered out 2, valid 13, invalid 0, inserted 0');

      const load = await runCli('import', ['wifi', wifiCsv, '--filter', '설치시군구명=김포시'], dataDir);
      expect(load.code, load.stderr).toBe(0);
      expect(load.stdout).toMatch(
        /^LOADED: .*\[csv, layer wifi_standard_current_cp949, EPSG:4326 from format, cp949\]/,
      );
      // (had the dry run written anything, this load would be refused as duplicates)
      expect(load.stdout).toContain('inserted 13');

      const bad = await runCli('import', ['wifi', path.join(FIXTURES, 'wifi_bad_rows_cp949.csv')], dataDir);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/^REFUSED: /);
      for (const line of [
        'row 2: WGS84위도,WGS84경도: latitude 126.7156 and longitude 37.6153 are swapped',
        'row 3: WGS84위도: latitude 137.6153 is out of range',
        'row 4: 설치장소명: is required and empty',
        'row 5: 설치연월: impossible install month "1905-01"',
        'row 6: WGS84위도: latitude is empty',
        'row 7: WGS84위도: "37.6x" is not a number',
        'row 8: 관리번호: duplicate: GP-WIFI-0001 is already in wifi',
        'row 9: 설치장소상세: the row has 3 columns, the header has 17',
      ])
        expect(bad.stdout).toContain(line);
      expect(bad.stdout).toContain('Nothing was written.');

      // a file it cannot read at all, and a usage error
      const noPrj = await runCli('import', ['update-lines', path.join(FIXTURES, 'README.md')], dataDir);
      expect(noPrj.code).toBe(1);
      expect(noPrj.stderr).toMatch(/^refused: Cannot import a "\.md" file/m);
      const usage = await runCli('import', ['roads', wifiCsv], dataDir);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('unknown collection "roads"');
      // exactly the one load is in the database and the audit log: the dry run and the bad file wrote nothing
      expect(await counts()).toEqual({ wifi: (before.wifi ?? 0) + 13, gp: 13, imports: (before.imports ?? 0) + 1 });
    });
  },
);
