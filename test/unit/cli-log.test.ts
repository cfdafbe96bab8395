/**
 * The CLI's log (src/cli/log.ts): what each verbosity keeps, the JSON shape, and lines written as
 * text classified by their prefix.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliLog, type LogSettings } from '../../src/cli/log.js';

const NOW = new Date('2026-11-22T12:00:00Z');

function logTo(settings: LogSettings, isTTY = false) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
  stream.isTTY = isTTY;
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const log = new CliLog(stream, () => NOW);
  log.configure(settings);
  return { log, text: () => text };
}

const CALL = {
  service: 'iam',
  operation: 'ListUsers',
  accountId: null,
  region: 'us-east-1',
  durationMs: 23,
  attempts: 3,
  totalRetryDelayMs: 410,
  errorCode: null,
} as const;

describe('CliLog, text', () => {
  it('normal: text written to it passes through as written, progress included', () => {
    const { log, text } = logTo({ verbosity: 'normal', format: 'text' }, true);
    log.write('\r\x1b[2K… users 10');
    log.write('keywarden: wrote json report to r.json\n');
    expect(text()).toBe('\r\x1b[2K… users 10keywarden: wrote json report to r.json\n');
    expect(log.isTTY).toBe(true);
  });

  it('quiet: keeps warnings and errors, drops info and progress, and is no terminal', () => {
    const { log, text } = logTo({ verbosity: 'quiet', format: 'text' }, true);
    log.write('keywarden: wrote json report to r.json\nkeywarden: warning: the journal ');
    log.write('has a torn record\n');
    log.info('dry run: nothing changed');
    log.error('account 1 failed');
    log.write('error: unknown option --x\n');
    expect(text()).toBe(
      'keywarden: warning: the journal has a torn record\nkeywarden: account 1 failed\nerror: unknown option --x\n',
    );
    expect(log.isTTY).toBe(false);
  });

  it('verbose: a call is one line; without verbose there is no observer', () => {
    const { log, text } = logTo({ verbosity: 'verbose', format: 'text' });
    log.callObserver?.(CALL);
    log.callObserver?.({
      ...CALL,
      accountId: '123456789012',
      attempts: 1,
      totalRetryDelayMs: 0,
      errorCode: 'NoSuchEntity',
    });
    expect(text()).toBe(
      'keywarden: aws iam:ListUsers account=unknown region=us-east-1 23 ms attempts=3 retry-delay=410 ms\n' +
        'keywarden: aws iam:ListUsers account=123456789012 region=us-east-1 23 ms attempts=1 error=NoSuchEntity\n',
    );
    expect(logTo({ verbosity: 'normal', format: 'text' }).log.callObserver).toBeUndefined();
  });
});

describe('CliLog, json', () => {
  it('writes one Powertools-shaped object per line, a warning without its prefix', () => {
    const { log, text } = logTo({ verbosity: 'verbose', format: 'json' }, true);
    log.write('keywarden: warning: no channel\n');
    log.callObserver?.(CALL);
    const [warning, call] = text()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(warning).toEqual({
      level: 'WARN',
      message: 'no channel',
      timestamp: NOW.toISOString(),
      service: 'keywarden',
    });
    expect(call).toMatchObject({
      level: 'DEBUG',
      message: 'aws iam:ListUsers',
      awsService: 'iam',
      operation: 'ListUsers',
      accountId: null,
      durationMs: 23,
      attempts: 3,
      totalRetryDelayMs: 410,
    });
    expect(log.isTTY).toBe(false);
  });

  it('passes a line that is already a log record through, by its level', () => {
    const record = '{"level":"INFO","message":"action","service":"keywarden"}';
    const loud = logTo({ verbosity: 'normal', format: 'json' });
    loud.log.write(`${record}\n`);
    expect(loud.text()).toBe(`${record}\n`);
    const quiet = logTo({ verbosity: 'quiet', format: 'json' });
    quiet.log.write(`${record}\n{"level":"ERROR","message":"x"}\n`);
    expect(quiet.text()).toBe('{"level":"ERROR","message":"x"}\n');
  });

  it('writes a last line left without its newline on flush, and drops blank lines', () => {
    const { log, text } = logTo({ verbosity: 'normal', format: 'json' });
    log.write('\nkeywarden: 3 users');
    expect(text()).toBe('');
    log.flush();
    expect(JSON.parse(text())).toMatchObject({ level: 'INFO', message: '3 users' });
  });
});
