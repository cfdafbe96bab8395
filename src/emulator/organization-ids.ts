/**
 * Organization root and OU ids in AWS's formats (`r-xxxx`, `ou-xxxx-xxxxxxxx`), derived from the
 * organization id and the OU's path when a world does not give them: the same world always gets the
 * same ids, and deriving them takes nothing from the emulator's seeded generator, so adding an OU to a
 * world does not change any other generated id.
 */
import { createHash } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

function derived(text: string, length: number): string {
  const digest = createHash('sha256').update(text).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[(digest[i] ?? 0) % ALPHABET.length];
  return out;
}

export function derivedRootId(organizationId: string): string {
  return `r-${derived(`root:${organizationId}`, 4)}`;
}

/** `path` is the OU names from the root down, e.g. `['Workloads', 'Prod']`. */
export function derivedOuId(organizationId: string, rootId: string, path: readonly string[]): string {
  return `ou-${rootId.slice(2)}-${derived(`ou:${organizationId}:${path.join('\u0000')}`, 8)}`;
}
