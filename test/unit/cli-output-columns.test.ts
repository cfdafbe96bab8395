import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type CliIO, outputColumns } from '../../src/cli/io.js';

function io(stdout: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv = {}): CliIO {
  const stream = Object.assign(new PassThrough(), stdout);
  return {
    stdout: stream,
    stderr: new PassThrough(),
    env,
    cwd: '/',
    takeInterrupts: () => new Promise(() => {}),
  };
}

describe('outputColumns', () => {
  it.each([
    { what: 'a terminal: its width', stdout: { isTTY: true, columns: 132 }, env: {}, columns: 132 },
    {
      what: 'a terminal wins over COLUMNS',
      stdout: { isTTY: true, columns: 132 },
      env: { COLUMNS: '80' },
      columns: 132,
    },
    { what: 'a pipe: COLUMNS', stdout: {}, env: { COLUMNS: '80' }, columns: 80 },
    { what: 'a pipe without COLUMNS: 100', stdout: {}, env: {}, columns: 100 },
    { what: 'COLUMNS not a number: 100', stdout: {}, env: { COLUMNS: 'wide' }, columns: 100 },
    { what: 'COLUMNS 0: 100', stdout: {}, env: { COLUMNS: '0' }, columns: 100 },
    { what: 'never under 40 (COLUMNS)', stdout: {}, env: { COLUMNS: '39' }, columns: 40 },
    { what: 'never under 40 (terminal)', stdout: { isTTY: true, columns: 20 }, env: {}, columns: 40 },
  ])('$what', ({ stdout, env, columns }) => {
    expect(outputColumns(io(stdout, env))).toBe(columns);
  });
});
