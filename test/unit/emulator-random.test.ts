import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/emulator/random.js';

describe('createRng', () => {
  // Pinned: worlds, key ids and fault decisions must not change when the generator's code does.
  it('gives the same characters for the same seed as it always has', () => {
    expect(createRng(1).chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)).toBe('UAQ76ITXN7OPEMHE');
  });

  it('draws each character from the alphabet', () => {
    const rng = createRng(7);
    const text = rng.chars('ab', 1000);
    expect(text).toMatch(/^[ab]{1000}$/);
    expect(text).toContain('a');
    expect(text).toContain('b');
  });
});
