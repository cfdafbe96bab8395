import { evaluateAccount } from '../../src/core/audit-account.js';
import type { AccountAuditOrError, AuditReport } from '../../src/core/audit-report.js';
import { buildAuditReport } from '../../src/core/audit-summary.js';
import { daysAgo, inventory, key, NOW, policy, user } from './builders.js';

/** A small report: alice has an old key (open), bob an old key that is exempt, plus one failed account. */
export function sampleReport(options: { readonly message?: string } = {}): AuditReport {
  const p = policy({ exemptions: { users: [{ name: 'bob', reason: 'vendor, "legacy" system' }] } });
  const inv = inventory({
    users: [
      user({ userName: 'alice', accessKeys: [key({ accessKeyId: 'AKIAALICE', createDate: daysAgo(120) })] }),
      user({
        userName: 'bob',
        accessKeys: [key({ accessKeyId: 'AKIABOB', createDate: daysAgo(200), lastUsedDate: null })],
      }),
    ],
  });
  const audit = evaluateAccount(inv, p, NOW);
  const accounts: AccountAuditOrError[] = [
    options.message === undefined
      ? audit
      : { ...audit, findings: audit.findings.map((f) => ({ ...f, message: options.message ?? f.message })) },
    {
      kind: 'error',
      accountId: '999999999999',
      error: 'AccessDenied: not authorized to perform sts:AssumeRole',
    },
  ];
  return buildAuditReport(accounts, p, NOW, { name: 'keywarden', version: '0.1.0' });
}
