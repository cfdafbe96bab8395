/** The Security Hub export of an audit: its open findings as ASFF, imported, and the gone ones archived. */
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { importFindings, type SecurityHubImportResult, type SecurityHubScope } from '../aws/security-hub.js';
import { defaultProductArn, partitionOf } from '../core/asff.js';
import type { AuditReport } from '../core/audit-report.js';
import { toAsff } from '../report/asff.js';

/** Imports the report's open findings and archives the ones that went away since the last import. */
export async function importReport(
  client: SecurityHubClient,
  report: AuditReport,
  options: { readonly region: string; readonly now: Date },
): Promise<SecurityHubImportResult> {
  const findings = toAsff(report, { region: options.region });
  const scopes: SecurityHubScope[] = report.accounts
    .filter((a) => a.status === 'ok')
    .map((a) => {
      const arn = report.findings.find((f) => f.accountId === a.accountId)?.userArn ?? '';
      return {
        accountId: a.accountId,
        productArn: defaultProductArn(partitionOf(arn), options.region, a.accountId),
      };
    });
  return importFindings(client, findings, scopes, options.now);
}
