/** The commented policy file `keywarden init` writes; it parses to DEFAULT_POLICY (tested). */
import { RULES } from '../rules/registry.js';
import type { Rule } from '../rules/types.js';

const COMMENT_WIDTH = 100;

/** `# ...` lines of at most COMMENT_WIDTH characters, broken between words. */
function comment(text: string, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && indent.length + 2 + line.length + 1 + word.length > COMMENT_WIDTH) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => `${indent}# ${l}\n`).join('');
}

/** One rule's entry: its description as a comment, then `ID: { enabled: …, <param>: … }`. */
function ruleEntry(rule: Rule): string {
  const settings = Object.entries(rule.defaults)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ');
  return `${comment(rule.description, '  ')}  ${rule.id}: { ${settings} }\n`;
}

/** A commented policy file equal to {@link DEFAULT_POLICY}, for `keywarden init`. */
export const DEFAULT_POLICY_YAML = `# Keywarden policy. Only "version" is required; every value below is the default.
version: 1

# Start from a preset and override single values below:
#   aws-config            the AWS Config managed rules (rotation 90, unused 90, root keys);
#                         remediation is the AWS runbook: revoke unused credentials, never rotate
#   cis                   CIS AWS Foundations Benchmark v3.0.0 (unused 45, one active key, MFA for
#                         console users); cis-3.0.0, cis-1.4.0 and cis-1.2.0 pin a version
#   rotation-165-180-185  rotate at 165 days, deactivate at 180, delete at 185
# preset: aws-config

rules:
${RULES.map((r) => ruleEntry(r)).join('')}
exemptions:
  # Each entry needs a reason; "until" (YYYY-MM-DD, inclusive) and "rules" (default: all) are optional.
  users: []     # - { name: "breakglass-*", reason: "break-glass admin", until: "2027-06-30", rules: [KEY_ROTATION] }
  paths: []     # - { path: "/service-accounts/", reason: "owned by the platform team" }
  groups: []    # - { group: "keywarden-exempt", reason: "approved in SEC-1234" }
  # A user tagged keywarden:exempt=true (or =YYYY-MM-DD, an end date) is exempt;
  # the reason comes from the keywarden:exempt-reason tag.
  tag: { enabled: true, key: "keywarden:exempt", reasonKey: "keywarden:exempt-reason" }
  # A comma-separated list of user names kept in SSM Parameter Store:
  # ssmParameter: { name: "/iam-unused-user-cleanup/excluded-users", reason: "listed in SSM parameter" }

inventory:
  mode: report                 # report (IAM credential report) | live (ListUsers, ListAccessKeys, ...)
  reportMaxAgeSeconds: 14400   # reuse a credential report up to this age; AWS makes a new one only after 4 h
  concurrency: 16              # per-user IAM calls in flight (measured: docs/benchmarks.md)
  keyIds: findings             # report mode: findings (ids of keys with findings) | none (slot, date)

# Used by remediation: days after key creation.
rotation:
  warnBeforeDays: 14           # notify this many days before rotateAfterDays
  rotateAfterDays: 90          # create a replacement key
  deactivateAfterDays: 104     # deactivate the old key
  deleteAfterDays: 118         # delete the old key
  inUseGraceDays: 7            # wait this long when the old key is still being used
  forceDeactivateAfterDays: null   # deactivate even if still in use; null = never

remediation:
  mode: recommended            # recommended (rotate keys in use, revoke unused ones) | runbook (revoke unused only)
  maxActions: 50               # changes per run; the rest waits for the next run (notifications don't count)
  secretNamePrefix: keywarden  # new keys are stored in Secrets Manager as <prefix>/<account>/<user>
  ownerTag: "keywarden:owner"  # user tag naming whom to notify; without it, the security team
  secretKmsKeyId: null         # KMS key for those secrets; null = aws/secretsmanager
  secretTags: { managed-by: keywarden }

# Where remediation notifications go (one digest per recipient per run). All optional.
notifications:
  securityTeamEmail: null      # fallback recipient for users without an owner tag
  sns: null                    # { topicArn: "arn:aws:sns:us-east-1:111111111111:keywarden-security" }
  slack: null                  # { webhookUrlEnv: KEYWARDEN_SLACK_WEBHOOK_URL } or { webhookUrlSsmParameter: /keywarden/slack }
  email: null                  # { from: keywarden@example.com }  (SES; to the owner tag's address)

# Where runs are journaled. null: a file per user ($XDG_STATE_HOME/keywarden/journal.jsonl).
# dynamodb://TABLE (make it with: keywarden journal create dynamodb://TABLE) is shared by every run,
# CLI and Lambda alike: one run acts on an account at a time, under a lease it renews as it goes.
journal:
  location: null               # a file path or dynamodb://TABLE; --journal and KEYWARDEN_JOURNAL override it
  leaseSeconds: 900            # a crashed run's lease on its account lapses after this long

# The CIS AWS Foundations Benchmark version findings name their CIS control in, and the report
# names: 1.2.0, 1.4.0 or 3.0.0 (the cis presets set it). null: every version Keywarden maps.
compliance:
  cisVersion: null
`;
