/** Test support: where the repository and the built CLI are. */
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The published entry point; it imports `dist/`, which the global setup keeps built. */
export const BIN = fileURLToPath(new URL('../../bin/keywarden.js', import.meta.url));
