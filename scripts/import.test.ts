import { describe, expect, it } from 'vitest';
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
