/** Test support: validates a SARIF log against the OASIS SARIF 2.1.0 schema kept in test/fixtures. */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

const SCHEMA = JSON.parse(
  readFileSync(new URL('../fixtures/sarif-schema-2.1.0.json', import.meta.url), 'utf8'),
) as object;

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(SCHEMA);

/** The schema violations of `log`, one line each (`/runs/0/results/3/level: must be equal to ...`); empty when valid. */
export function sarifSchemaErrors(log: unknown): string[] {
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
}
