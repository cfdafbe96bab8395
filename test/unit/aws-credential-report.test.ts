import { Readable } from 'node:stream';
import { IAMClient } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { fetchCredentialReport, parseCredentialReport } from '../../src/aws/credential-report.js';

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,' +
  'access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,' +
  'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,' +
  'cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

const csv = (...rows: string[]) => [HEADER, ...rows].join('\n');
const rowsOf = (report: string) => parseCredentialReport(report).rows;
/** The 20 cells after user and arn: created 2025-01-01, no password, key 1 active since 2026-06-01, used 2026-11-20. */
const REST =
  '2025-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,' +
  'true,2026-06-01T00:00:00+00:00,2026-11-20T10:00:00+00:00,us-east-1,iam,' +
  'false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';

describe('parseCredentialReport', () => {
  it.each([
    ['N/A', null],
    ['no_information', null],
    ['not_supported', null],
    ['2026-10-01T08:30:00+00:00', new Date('2026-10-01T08:30:00Z')],
  ])('reads password_last_used %s', (value, expected) => {
    const [row] = rowsOf(
      csv(
        `alice,arn:aws:iam::123456789012:user/alice,2025-01-01T00:00:00+00:00,true,${value},2025-01-01T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
      ),
    );
    expect(row?.passwordLastUsed).toEqual(expected);
  });

  it('keeps only the key slots that hold a key, with not_supported region/service as null', () => {
    const [row] = rowsOf(
      csv(
        'bob,arn:aws:iam::123456789012:user/bob,2025-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,' +
          'false,N/A,N/A,N/A,N/A,' +
          'true,2026-06-01T00:00:00+00:00,2026-11-20T10:00:00+00:00,not_supported,not_supported,false,N/A,false,N/A',
      ),
    );
    expect(row?.keys).toEqual([
      {
        slot: 2,
        active: true,
        lastRotated: new Date('2026-06-01T00:00:00Z'),
        lastUsedDate: new Date('2026-11-20T10:00:00Z'),
        lastUsedRegion: null,
        lastUsedService: null,
      },
    ]);
    expect(row?.passwordEnabled).toBe(false);
  });

  it('reads the root row with not_supported password fields', () => {
    const [row] = rowsOf(
      csv(
        '<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T00:00:00+00:00,not_supported,not_supported,true,true,2024-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
      ),
    );
    expect(row?.user).toBe('<root_account>');
    expect(row?.passwordEnabled).toBeNull();
    expect(row?.mfaActive).toBe(true);
    expect(row?.keys[0]?.active).toBe(true);
  });

  it.each([
    ['quoted', '"ops,oncall","arn:aws:iam::123456789012:user/team,x/ops,oncall"'],
    ['unquoted, as moto writes it', 'ops,oncall,arn:aws:iam::123456789012:user/team,x/ops,oncall'],
  ])('reads a comma in the user name and path, %s', (_case, userAndArn) => {
    const { rows, unreadable } = parseCredentialReport(
      csv(`${userAndArn},${REST}`, `bob,arn:aws:iam::123456789012:user/bob,${REST}`),
    );

    expect(unreadable).toEqual([]);
    expect(rows.map((r) => [r.user, r.arn, r.keys[0]?.lastUsedDate])).toEqual([
      ['ops,oncall', 'arn:aws:iam::123456789012:user/team,x/ops,oncall', new Date('2026-11-20T10:00:00Z')],
      ['bob', 'arn:aws:iam::123456789012:user/bob', new Date('2026-11-20T10:00:00Z')],
    ]);
  });

  it('reads an unquoted path whose quote opens a cell, and the rows after it', () => {
    const { rows, unreadable } = parseCredentialReport(
      csv(
        `q,arn:aws:iam::123456789012:user/a"b,"c/q,${REST}`,
        `bob,arn:aws:iam::123456789012:user/bob,${REST}`,
      ),
    );

    expect(unreadable).toEqual([]);
    expect(rows.map((r) => [r.user, r.arn])).toEqual([
      ['q', 'arn:aws:iam::123456789012:user/a"b,"c/q'],
      ['bob', 'arn:aws:iam::123456789012:user/bob'],
    ]);
  });

  it('returns a row it cannot fit, or with a malformed time, as unreadable, with its line and user, and reads the others', () => {
    const { rows, unreadable } = parseCredentialReport(
      csv(
        `ops,oncall,arn:aws:iam::123456789012:user/ops,oncall,${REST},extra`,
        `carol,arn:aws:iam::123456789012:user/carol,yesterday,${REST.slice(REST.indexOf(',') + 1)}`,
        `bob,arn:aws:iam::123456789012:user/bob,${REST}`,
      ),
    );

    expect(rows.map((r) => r.user)).toEqual(['bob']);
    expect(unreadable).toEqual([
      {
        line: 2,
        userName: 'ops,oncall',
        reason:
          '25 cells where the header has 22, and no user name in them is followed by an ARN ending in that name',
      },
      { line: 3, userName: 'carol', reason: 'user_creation_time is not a time (got "yesterday")' },
    ]);
  });
});

describe('fetchCredentialReport', () => {
  /** An IAM client whose every call gets this Query-protocol response, as AWS writes it. */
  function answering(xml: string): IAMClient {
    return new IAMClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' },
      requestHandler: {
        handle: async () => ({
          response: { statusCode: 200, headers: {}, body: Readable.from([Buffer.from(xml)]) },
        }),
      },
    });
  }
  const report = csv(
    'carol,arn:aws:iam::123456789012:user/carol,2025-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
  );
  const generated = (content: string) =>
    '<GetCredentialReportResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetCredentialReportResult>' +
    `${content}<ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-11-22T11:00:00Z</GeneratedTime>` +
    '</GetCredentialReportResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCredentialReportResponse>';

  it('reads the report out of the response itself, and the rest through the SDK', async () => {
    // Prepare: GenerateCredentialReport's answer is read as well; it has no <Content>.
    const iam = answering(generated(`<Content>${Buffer.from(report).toString('base64')}</Content>`));
    // Act
    const result = await fetchCredentialReport(iam, { sleep: async () => {} });
    // Assess
    expect(result.generatedAt).toEqual(new Date('2026-11-22T11:00:00Z'));
    expect(result.rows.map((r) => r.user)).toEqual(['carol']);
  });

  it('leaves a response without <Content> to the SDK: an empty report', async () => {
    const result = await fetchCredentialReport(answering(generated('')), { sleep: async () => {} });
    expect(result).toEqual({ generatedAt: new Date('2026-11-22T11:00:00Z'), rows: [], unreadable: [] });
  });
});
