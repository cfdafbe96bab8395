import { describe, expect, it } from 'vitest';
import { renderCannotUndo } from '../../src/cli/render/results.js';
import type { CannotUndo } from '../../src/core/plan/recovery.js';
import { visibleWidth } from '../support/terminal.js';

const cannot = (userName: string, type: string, reason: string): CannotUndo => ({
  actionId: `123456789012/${userName}/AKIAOLD0000000000001/${type}/delete`,
  type,
  accountId: '123456789012',
  userName,
  accessKeyId: 'AKIAOLD0000000000001',
  reason,
});

describe('renderCannotUndo', () => {
  const items = [
    cannot(
      'archived-integration-with-a-long-name',
      'delete-key',
      'access key AKIAOLD0000000000001 was deleted; IAM cannot restore a deleted key',
    ),
    cannot(
      'image-resizer',
      'create-key',
      'the replacement key AKIANEW0000000000001 stays (secret keywarden/123456789012/image-resizer); delete it by hand if it is not wanted',
    ),
  ];
  const words = (text: string) => text.split(/\s+/).filter(Boolean);

  it.each([80, 200])('fits %i columns without splitting a word', (columns) => {
    const text = renderCannotUndo(items, { columns });
    for (const line of text.split('\n')) expect(visibleWidth(line), line).toBeLessThanOrEqual(columns);
    expect(words(text)).toEqual(words(renderCannotUndo(items, { columns: 1000 })));
  });

  it('starts each entry with "cannot undo", its type, account, user and key; continues under the subject', () => {
    const lines = renderCannotUndo(items, { columns: 80 }).trimEnd().split('\n');
    expect(lines[0]).toBe('  cannot undo delete-key 123456789012/archived-integration-with-a-long-name');
    expect(lines[1]).toMatch(/^ {25}AKIAOLD0000000000001: access key/);
    expect(lines.filter((l) => l.startsWith('  cannot undo '))).toHaveLength(2);
    expect(renderCannotUndo(items, { columns: 200 }).split('\n')[0]).toMatch(/cannot restore a deleted key$/);
  });

  it('is empty when everything can be undone', () => {
    expect(renderCannotUndo([], { columns: 80 })).toBe('');
  });
});
