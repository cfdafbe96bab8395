/**
 * The Security Hub export of an audit: its findings as ASFF imported (open ones FAILED, exempt or
 * rotating ones WARNING), the gone ones resolved and archived, the returning ones re-opened.
 */
import {
  createSecurityHubClient,
  importFindings,
  type SecurityHubImportResult,
  type SecurityHubScope,
} from '../aws/security-hub.js';
import { defaultProductArn, partitionOf } from '../core/asff.js';
import type { AuditReport } from '../core/audit-report.js';
import { toAsff } from '../report/asff.js';
import type { AwsConnection } from '../sdk/connection.js';

/**
 * Imports the report's findings, resolves and archives the ones that went away since the last
 * import and re-opens the ones that came back, with a Security Hub client on `connection` that is
 * released afterwards.
 */
export async function importReport(
  connection: AwsConnection,
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
  const client = createSecurityHubClient(connection);
  try {
    return await importFindings(client, findings, scopes, options.now);
  } finally {
    client.destroy();
  }
}
