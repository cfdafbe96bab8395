/**
 * A JSON document written as it is produced: its leading fields, then one array whose items are
 * written one at a time (a finding, or an account's plan, as soon as its account is done), then its trailing
 * fields. Nothing is held back, so a run over many accounts never keeps their reports in memory.
 */
export interface JsonStream {
  /** Writes one item of the array. */
  item(value: unknown): void;
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
  return {
    item(value) {
      write(`${first ? '\n' : ',\n'}    ${JSON.stringify(value)}`);
      first = false;
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
