/**
 * The text rules every message follows, whatever the channel: one line, a length limit, plurals,
 * and nothing shaped like a secret access key.
 */

/** `value` cut to `max` characters, the last of them `ellipsis` when it was longer. */
export function truncate(value: string, max: number, ellipsis = '…'): string {
  return value.length <= max ? value : `${value.slice(0, max - ellipsis.length)}${ellipsis}`;
}

/** Control characters and runs of white space become one space: a value cannot break a line. */
export function oneLine(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return value.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
}

/**
 * Defence in depth: free text comes from the planner and owner tags, never from key material, but
 * anything shaped like a secret access key (40 base64 characters, mixed case and digits) is
 * replaced all the same. `allowed` keeps the action's own secret name readable.
 */
export function scrub(value: string, allowed: readonly string[]): string {
  return value.replace(SECRET_LIKE, (token) =>
    /[a-z]/.test(token) && /[A-Z]/.test(token) && /\d/.test(token) && !allowed.some((a) => a.includes(token))
      ? '[redacted]'
      : token,
  );
}

const SECRET_LIKE = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

/** `1 notice`, `2 notices`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
