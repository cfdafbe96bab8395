/**
 * Test support: validates OCSF findings against the OCSF 1.1.0 Detection Finding schema kept in
 * test/fixtures (a JSON Schema assembled from the OCSF 1.1.0 definitions; see its README).
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';

const SCHEMA = JSON.parse(
  readFileSync(new URL('../fixtures/ocsf-1.1.0-detection-finding.schema.json', import.meta.url), 'utf8'),
) as { readonly $id: string };

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addSchema(SCHEMA);

function errorsOf(ref: string, value: unknown): string[] {
  const validate = ajv.getSchema(ref);
  if (validate === undefined) throw new Error(`no schema ${ref}`);
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`,
  );
}

/** The schema violations of one Detection Finding, one line each; empty when valid. */
export function ocsfDetectionFindingErrors(finding: unknown): string[] {
  return errorsOf(SCHEMA.$id, finding);
}

/** The violations of a value against OCSF 1.1.0's Compliance object (Keywarden puts one in `unmapped`). */
export function ocsfComplianceErrors(compliance: unknown): string[] {
  return errorsOf(`${SCHEMA.$id}#/definitions/compliance`, compliance);
}
