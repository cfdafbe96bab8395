import { describe, expect, it } from 'vitest';
import { streamJsonDocument } from '../../src/cli/render/json-stream.js';

function written(items: readonly unknown[], tail?: Record<string, unknown>) {
  const chunks: string[] = [];
  const doc = streamJsonDocument((text) => chunks.push(text), { kind: 'multi-account', n: 1 }, 'accounts');
  const beforeItems = chunks.length;
  for (const item of items) doc.item(item);
  const perItem = chunks.length - beforeItems;
  doc.close(tail);
  return { text: chunks.join(''), perItem };
}

describe('streamJsonDocument', () => {
  it.each([
    ['no items, no tail', [], undefined],
    ['one item', [{ accountId: '1' }], undefined],
    [
      'two items and a tail',
      [{ accountId: '1' }, { accountId: '2', status: 'error' }],
      { summary: { a: 1 } },
    ],
  ])('%s: one valid JSON document, fields in order', (_label, items, tail) => {
    const { text } = written(items, tail);

    const parsed = JSON.parse(text) as Record<string, unknown>;

    expect(Object.keys(parsed)).toEqual(['kind', 'n', 'accounts', ...Object.keys(tail ?? {})]);
    expect(parsed.accounts).toEqual(items);
    if (tail) expect(parsed.summary).toEqual(tail.summary);
  });

  it('writes each item as it is given, not at the end', () => {
    expect(written([{ a: 1 }, { b: 2 }]).perItem).toBe(2);
  });

  it('writes a second array after the first, with items given as JSON text', () => {
    const chunks: string[] = [];
    const doc = streamJsonDocument((text) => chunks.push(text), { v: 2 }, 'findings');
    doc.item({ id: 'a' });
    doc.nextArray('evaluations');
    doc.itemJson('{"rule":"X"}');
    doc.itemJson('{"rule":"Y"}');
    doc.close({ summary: {} });

    const parsed = JSON.parse(chunks.join('')) as Record<string, unknown>;

    expect(Object.keys(parsed)).toEqual(['v', 'findings', 'evaluations', 'summary']);
    expect(parsed.findings).toEqual([{ id: 'a' }]);
    expect(parsed.evaluations).toEqual([{ rule: 'X' }, { rule: 'Y' }]);
  });

  it('an empty second array is still valid JSON', () => {
    const chunks: string[] = [];
    const doc = streamJsonDocument((text) => chunks.push(text), {}, 'a');
    doc.nextArray('b');
    doc.close();
    expect(JSON.parse(chunks.join(''))).toEqual({ a: [], b: [] });
  });
});
