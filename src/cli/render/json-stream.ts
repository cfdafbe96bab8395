/**
 * A JSON document written as it is produced: its leading fields, then arrays whose items are
 * written one at a time (a finding, or an account's plan, as soon as its account is done), then its
 * trailing fields. Nothing is held back, so a run over many accounts never keeps their reports in
 * memory.
 */
export interface JsonStream {
  /** Writes one item of the current array. */
  item(value: unknown): void;
  /** Writes one item already serialized (one line of JSON). */
  itemJson(json: string): void;
  /** Closes the current array and opens the next one, `arrayKey`. */
  nextArray(arrayKey: string): void;
  /** Closes the array, writes the trailing fields and closes the document. */
  close(tail?: Readonly<Record<string, unknown>>): void;
}

const fields = (record: Readonly<Record<string, unknown>>) =>
  Object.entries(record).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);

export function streamJsonDocument(
  write: (text: string) => void,
  head: Readonly<Record<string, unknown>>,
  arrayKey: string,
): JsonStream {
  write(`{\n${[...fields(head), `  ${JSON.stringify(arrayKey)}: [`].join(',\n')}`);
  let first = true;
  const itemJson = (json: string) => {
    write(`${first ? '\n' : ',\n'}    ${json}`);
    first = false;
  };
  return {
    item: (value) => itemJson(JSON.stringify(value)),
    itemJson,
    nextArray(key) {
      write(`\n  ],\n  ${JSON.stringify(key)}: [`);
      first = true;
    },
    close(tail = {}) {
      write(
        `\n  ]${fields(tail)
          .map((line) => `,\n${line}`)
          .join('')}\n}\n`,
      );
    },
  };
}
