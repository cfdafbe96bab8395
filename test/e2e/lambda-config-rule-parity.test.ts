/**
 * The Config rule and `keywarden audit` never disagree: on a generated account, the rule's verdict
 * for every user equals the audit's, rule by rule (a Config rule per Keywarden rule) and combined
 * (NON_COMPLIANT if any rule fails), on a schedule (credential report) and on each user's change
 * (live read of that user).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport, Compliance, Evaluation } from '../../src/core/audit-report.js';
import { configEvaluations } from '../../src/core/config-rule.js';
import { ROOT_USER_NAME } from '../../src/core/model.js';
import { RULES } from '../../src/core/rules/registry.js';
import { generateWorld } from '../../src/emulator/generate-world.js';
import { latestConfigEvaluations } from '../../src/emulator/state.js';
import { createConfigRuleHandler } from '../../src/lambda/config-rule.js';
import { runCli } from '../support/cli.js';
import { FIXED_NOW, useEmulator } from '../support/emulator.js';
import { emptyDir } from '../support/env.js';
import { captureLogs, changeEvent, emulatorRuntime, scheduledEvent } from '../support/lambda.js';

const WORLD = generateWorld({ accounts: 1, usersPerAccount: 80, seed: 7 });
const ACCOUNT = WORLD.accounts[0]!.id;
// Every user rule on, MFA included, so each is compared.
const POLICY = 'version: 1\nrules:\n  CONSOLE_WITHOUT_MFA: { enabled: true }\n';

/** The rules a Config rule for IAM users can name: those judged once per user. */
const USER_RULE_IDS = RULES.filter((r) => r.scope === 'user').map((r) => r.id);

/** The Annotation AWS Config holds for the audit's evaluation `e` of the rule it judges alone. */
const annotationHeld = (e: Evaluation | undefined) =>
  e === undefined ? null : (configEvaluations([e], e.rule, FIXED_NOW)[0]?.annotation ?? null);

/** The audit's verdicts per user: by rule, and combined as the Config rule without `rule` combines them. */
function combined(evaluations: readonly Evaluation[]): Compliance {
  if (evaluations.some((e) => e.compliance === 'NON_COMPLIANT')) return 'NON_COMPLIANT';
  if (evaluations.some((e) => e.compliance === 'COMPLIANT')) return 'COMPLIANT';
  return 'NOT_APPLICABLE';
}

describe('Config rule verdicts equal keywarden audit verdicts on a generated account', () => {
  const emu = useEmulator({ world: WORLD });
  let policyFile: string;
  let audit: AuditReport;
  const byUser = new Map<string, Evaluation[]>();
  const account = () => emu.current.state.accounts.get(ACCOUNT)!;

  beforeAll(async () => {
    policyFile = join(emptyDir('parity-'), 'keywarden.yaml');
    writeFileSync(policyFile, POLICY);
    const result = await runCli(
      ['audit', '--format', 'json', '--endpoint-url', emu.current.url, '--config', policyFile],
      { env: { AWS_ACCESS_KEY_ID: 'AKIDAUDITOR', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1' } },
    );
    if (result.exitCode > 1) throw new Error(`audit failed: ${result.stderr}`);
    audit = JSON.parse(result.stdout) as AuditReport;
    for (const e of audit.evaluations) {
      if (e.userName === ROOT_USER_NAME) continue;
      byUser.set(e.userId, [...(byUser.get(e.userId) ?? []), e]);
    }
  });

  const handler = () =>
    createConfigRuleHandler(
      emulatorRuntime(emu.current, captureLogs(), { env: { KEYWARDEN_POLICY_FILE: policyFile } }),
    );

  it('has a varied account to compare', () => {
    const verdicts = new Set(audit.evaluations.map((e) => e.compliance));
    expect(byUser.size).toBe(80);
    expect(verdicts).toEqual(new Set(['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE']));
  });

  it.each(USER_RULE_IDS)('rule %s: every user, on a schedule', async (rule) => {
    account().config.evaluationCalls.length = 0;

    await handler()(scheduledEvent(FIXED_NOW, { ruleParameters: { rule } }));

    const config = latestConfigEvaluations(account());
    // Annotations are compared for the rules about one key. MULTIPLE_ACTIVE_KEYS names the key ids
    // only when the credential report's rows were matched to ids, which the full audit does for
    // users with other key findings and a Config rule judging that rule alone has no reason to.
    const sameText = rule !== 'MULTIPLE_ACTIVE_KEYS';
    const expected = [...byUser].map(([id, list]) => {
      const own = list.find((e) => e.rule === rule);
      return [id, own?.compliance, sameText ? annotationHeld(own) : 'any'];
    });
    expect(
      [...byUser.keys()].map((id) => [
        id,
        config.get(id)?.complianceType,
        sameText ? config.get(id)?.annotation : 'any',
      ]),
    ).toEqual(expected);
  });

  it('all rules combined: every user, on a schedule and on a change of that user', async () => {
    account().config.evaluationCalls.length = 0;
    const expected = [...byUser].map(([id, list]) => [id, combined(list)]);

    await handler()(scheduledEvent(FIXED_NOW));
    const scheduled = latestConfigEvaluations(account());
    const changed: [string, Compliance | undefined][] = [];
    for (const [id, list] of byUser) {
      const summary = await handler()(
        changeEvent({ userId: id, userName: list[0]!.userName, capturedAt: FIXED_NOW }),
      );
      changed.push([id, summary.evaluations[0]?.complianceType]);
    }

    expect([...byUser.keys()].map((id) => [id, scheduled.get(id)?.complianceType])).toEqual(expected);
    expect(changed).toEqual(expected);
  });
});
