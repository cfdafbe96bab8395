import { loadWorldFile, WorldError } from '../emulator/world.js';
import type { World } from '../emulator/world-types.js';
import { firstOf } from './errors.js';

/** Loads a world file, turning its validation errors into one CLI line (first error, and how many more). */
export async function loadWorld(path: string): Promise<World> {
  try {
    return await loadWorldFile(path);
  } catch (error) {
    if (!(error instanceof WorldError)) throw error;
    throw firstOf(
      error.message.split('\n').filter((l) => l.trim() !== ''),
      'invalid world file',
      '--world: ',
    );
  }
}
