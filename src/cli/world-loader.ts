import { resolve } from 'node:path';
import { loadWorldFile, WorldError } from '../emulator/world.js';
import type { World } from '../emulator/world-types.js';
import { firstOf } from './errors.js';

/**
 * Loads a world file (a relative path from the command's directory), turning its validation errors
 * into one CLI line (first error, and how many more).
 */
export async function loadWorld(cwd: string, path: string): Promise<World> {
  try {
    return await loadWorldFile(resolve(cwd, path), path);
  } catch (error) {
    if (!(error instanceof WorldError)) throw error;
    throw firstOf(
      error.message.split('\n').filter((l) => l.trim() !== ''),
      'invalid world file',
      '--world: ',
    );
  }
}
