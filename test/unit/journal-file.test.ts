import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFileJournal as openJournal } from '../../src/journal/file-journal.js';
import { JournalError } from '../../src/journal/journal.js';
import { newRunId } from '../../src/journal/run-id.js';
import { finished, JOURNAL_T0, started } from '../support/journal.js';

const AT = JOURNAL_T0;

describe('openFileJournal', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keywarden-journal-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the directory and appends one JSON line per record', async () => {
    // Prepare
    const journal = openJournal(join(dir, '.keywarden', 'journal.jsonl'));

    // Act
    await journal.append(started('r1'));
    await journal.append(finished('r1'));

    // Assess
    expect(readFileSync(journal.location, 'utf8').split('\n')).toEqual([
      JSON.stringify(started('r1')),
      JSON.stringify(finished('r1')),
      '',
    ]);
    expect(await journal.read()).toEqual({ records: [started('r1'), finished('r1')], warnings: [] });
  });

  it('reads a missing file as an empty journal', async () => {
    // Act
    const read = await openJournal(join(dir, 'none.jsonl')).read();

    // Assess: absent, which an audit tells from an empty journal
    expect(read).toEqual({ records: [], warnings: [], absent: true });
  });

  it('reads an empty file as an empty journal that is there', async () => {
    const path = join(dir, 'empty.jsonl');
    writeFileSync(path, '');
    expect(await openJournal(path).read()).toEqual({ records: [], warnings: [] });
  });

  it('keeps earlier content and starts a new line after a record torn by a crash', async () => {
    // Prepare
    const path = join(dir, 'journal.jsonl');
    appendFileSync(path, `${JSON.stringify(started('r1'))}\n{"v":1,"type":"inte`);

    // Act
    const journal = openJournal(path);
    const before = await journal.read();
    await journal.append(started('r2'));
    const after = await journal.read();

    // Assess
    expect(before.records).toEqual([started('r1')]);
    expect(before.warnings).toEqual([expect.stringContaining('line 2: incomplete last record ignored')]);
    expect(readFileSync(path, 'utf8')).toContain('{"v":1,"type":"inte\n');
    expect(after.records).toEqual([started('r1'), started('r2')]);
    expect(after.warnings).toEqual([expect.stringContaining('line 2: incomplete record ignored')]);
  });

  it('names the file and line of a corrupt record', async () => {
    // Prepare
    const path = join(dir, 'journal.jsonl');
    appendFileSync(path, `${JSON.stringify(started('r1'))}\nhello\n${JSON.stringify(finished('r1'))}\n`);

    // Act
    const attempt = () => openJournal(path).read();

    // Assess
    await expect(attempt()).rejects.toThrow(JournalError);
    await expect(attempt()).rejects.toThrow(`${path}: journal line 2: not JSON`);
  });
});

describe('newRunId', () => {
  it('is the time, file-name safe and sortable, plus 6 random hex digits', async () => {
    // Act
    const a = newRunId(new Date(AT));
    const b = newRunId(new Date(AT));

    // Assess
    expect(a).toMatch(/^2026-11-22T12-00-00Z-[0-9a-f]{6}$/);
    expect(a).not.toBe(b);
  });
});
