import { loadWorldFile, type World, WorldError } from '../emulator/world.js';
import { CliError } from './errors.js';

/** Loads a world file, turning its validation errors into one CLI line (first error, and how many more). */
export async function loadWorld(path: string): Promise<World> {
  try {
    return await loadWorldFile(path);
  } catch (error) {
    if (!(error instanceof WorldError)) throw error;
    const lines = error.message.split('\n').filter((l) => l.trim() !== '');
    const more = lines.length > 1 ? ` (and ${lines.length - 1} more problem${lines.length > 2 ? 's' : ''})` : '';
    throw new CliError(`--world: ${lines[0] ?? 'invalid world file'}${more}`, 2, { cause: error });
  }
}
