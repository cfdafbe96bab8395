import { describe, expect, it } from 'vitest';
import { readYaml } from '../../src/core/yaml-document.js';

/** `levels` levels of nine aliases each: 9^levels values once expanded. */
function aliasBomb(levels: number): string {
  const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

describe('readYaml', () => {
  it('resolves aliases a file uses to repeat a value', () => {
    const read = readYaml('team: &team { reason: platform }\nusers: [*team, *team]\n', 'p.yaml');

    expect(read.errors).toEqual([]);
    expect(read.value).toEqual({
      team: { reason: 'platform' },
      users: [{ reason: 'platform' }, { reason: 'platform' }],
    });
  });

  it('refuses an alias bomb in one line naming the file, without expanding it', () => {
    const read = readYaml(aliasBomb(8), 'p.yaml');

    expect(read.value).toBeUndefined();
    expect(read.errors).toEqual([
      `p.yaml: YAML aliases expand too far (over 100 aliased values, as in an alias bomb); write the values out or use fewer aliases`,
    ]);
  });

  it('refuses an alias with no anchor before it, where it is', () => {
    expect(readYaml('a: *later\nb: &later 1\n', 'p.yaml').errors).toEqual([
      'p.yaml:1:4: YAML alias *later has no anchor &later before it; define the anchor first or write the value out',
    ]);
  });

  it('refuses, naming the file, any other document the library cannot turn into values', () => {
    expect(readYaml('%YAML 1.1\n---\na: &a 1\nb: { <<: *a }\n', 'p.yaml').errors).toEqual([
      'p.yaml: YAML cannot be loaded: Merge sources must be maps or map aliases',
    ]);
  });

  it('refuses an alias inside the value it names (a value that would contain itself)', () => {
    expect(readYaml('a: &x { b: [*x] }\n', 'p.yaml').errors).toEqual([
      'p.yaml:1:13: YAML alias *x is inside the value &x it names, which would contain itself; write the value out',
    ]);
  });
});
