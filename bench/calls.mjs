/**
 * Counts the operations SDK clients send, one per command (retries not included), so a count
 * means the same on our emulator and on moto.
 * @param {readonly { middlewareStack: { add: Function } }[]} clients
 */
export function countCalls(clients) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const client of clients) {
    client.middlewareStack.add(
      (/** @type {Function} */ next, /** @type {{ commandName?: string }} */ context) =>
        async (/** @type {unknown} */ args) => {
          const name = (context.commandName ?? 'unknown').replace(/Command$/, '');
          counts.set(name, (counts.get(name) ?? 0) + 1);
          return next(args);
        },
      { step: 'initialize', name: 'benchCallCounter' },
    );
  }
  return {
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    byOperation: () => Object.fromEntries([...counts.entries()].sort()),
  };
}
