import { describe, expect, it } from 'vitest';
import { fitReportRow, type ReportRowCells } from '../../src/core/report-row.js';

/** A header `user,arn,user_creation_time,password_enabled`. */
const COLUMNS = { count: 4, user: 0, arn: 1 };
const ARN = 'arn:aws:iam::123456789012:user';
const T = '2026-01-01T00:00:00+00:00';

const read = (...cells: string[]): ReportRowCells => ({ kind: 'read', cells });
const unreadable = (userName: string | null, reason: string): ReportRowCells => ({
  kind: 'unreadable',
  userName,
  reason,
});

describe('fitReportRow', () => {
  it.each<[string, string[], ReportRowCells]>([
    [
      'quoted (csv-parse already joined the cells)',
      ['ops,oncall', `${ARN}/ops,oncall`, T, 'true'],
      read('ops,oncall', `${ARN}/ops,oncall`, T, 'true'),
    ],
    [
      'unquoted name',
      ['ops', 'oncall', `${ARN}/ops`, 'oncall', T, 'true'],
      read('ops,oncall', `${ARN}/ops,oncall`, T, 'true'),
    ],
    ['unquoted path', ['svc', `${ARN}/x`, 'y/svc', T, 'true'], read('svc', `${ARN}/x,y/svc`, T, 'true')],
    [
      'unquoted path and name',
      ['a+b=c', 'd.e@f_g-h', `${ARN}/team`, 'x/a+b=c', 'd.e@f_g-h', T, 'false'],
      read('a+b=c,d.e@f_g-h', `${ARN}/team,x/a+b=c,d.e@f_g-h`, T, 'false'),
    ],
    [
      'unquoted path that repeats the name',
      ['a', 'b', `${ARN}/a`, 'b/a', 'b', T, 'true'],
      read('a,b', `${ARN}/a,b/a,b`, T, 'true'),
    ],
    [
      'ambiguous: the extra cell lies after the ARN',
      ['alice', `${ARN}/alice`, T, 'true', 'extra'],
      unreadable(
        'alice',
        '5 cells where the header has 4, and no user name in them is followed by an ARN ending in that name',
      ),
    ],
    [
      "ambiguous: the ARN ends in another user's name",
      ['ops', 'oncall', `${ARN}/other`, T, 'true'],
      unreadable(
        'ops,oncall',
        '5 cells where the header has 4, and no user name in them is followed by an ARN ending in that name',
      ),
    ],
    [
      'ambiguous: no ARN at all',
      ['ops', 'oncall', 'x', T, 'true'],
      unreadable(
        'ops',
        '5 cells where the header has 4, and no user name in them is followed by an ARN ending in that name',
      ),
    ],
    ['too few cells', ['alice', `${ARN}/alice`, T], unreadable('alice', '3 cells where the header has 4')],
  ])('%s', (_case, cells, expected) => {
    expect(fitReportRow(cells, COLUMNS)).toEqual(expected);
  });

  it('does not split a row whose header has no user and arn columns side by side', () => {
    expect(fitReportRow(['u', 'v', `${ARN}/u,v`, T, 'x'], { count: 4, user: 0, arn: 2 })).toEqual(
      unreadable(
        'u,v',
        '5 cells where the header has 4, and no user and arn columns side by side to hold more',
      ),
    );
  });
});
