/** The CLI entry point: builds the commander program and turns errors into exit codes. */
export async function main(argv: readonly string[]): Promise<number> {
  process.stdout.write(`keywarden ${argv.join(' ')}\n`);
  return 0;
}
