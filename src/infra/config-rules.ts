/**
 * One AWS Config custom Lambda rule per enabled Keywarden rule that judges IAM users, all evaluated
 * by the `config-rule` handler with ruleParameters {"rule": "<ID>"}, so each rule reports on its own
 * as the managed rules do. Each runs periodically and on configuration changes of AWS::IAM::User.
 * Account-level rules (ROOT_ACCESS_KEY) judge no IAM user resource and get no Config rule.
 */
import { Aws, type CfnCondition } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { RULES_BY_ID, type RuleId } from '../core/rules/registry.js';

/** The periodic frequencies AWS Config accepts. */
export const CONFIG_FREQUENCIES = [
  'One_Hour',
  'Three_Hours',
  'Six_Hours',
  'Twelve_Hours',
  'TwentyFour_Hours',
] as const;

export interface KeywardenConfigRulesProps {
  /** The Keywarden rules to report; account-level rules are left out. */
  readonly ruleIds: readonly RuleId[];
  /** The `config-rule` handler. */
  readonly evaluator: lambda.IFunction;
  /** One of CONFIG_FREQUENCIES, or a parameter's value. */
  readonly maximumExecutionFrequency: string;
  /** Deploy the rules only where this holds (the region that records global resources). @default always */
  readonly condition?: CfnCondition;
  /** Config rule names are `<prefix>-<rule-id-in-kebab-case>`. @default 'keywarden' */
  readonly ruleNamePrefix?: string;
}

/** The Config rule name of a Keywarden rule: `keywarden-key-rotation`. */
function configRuleName(prefix: string, ruleId: RuleId): string {
  return `${prefix}-${ruleId.toLowerCase().replaceAll('_', '-')}`;
}

/** The construct id of a rule's Config rule: `KeyRotation`. Stable: logical ids derive from it. */
export function ruleConstructId(ruleId: RuleId): string {
  return ruleId
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** The Keywarden rules that become Config rules: those judged per IAM user. */
export function userRuleIds(ruleIds: readonly RuleId[]): RuleId[] {
  return ruleIds.filter((id) => RULES_BY_ID[id].scope === 'user');
}

export class KeywardenConfigRules extends Construct {
  /** The Config rules by Keywarden rule id. */
  readonly rules: ReadonlyMap<RuleId, config.CfnConfigRule>;

  constructor(scope: Construct, id: string, props: KeywardenConfigRulesProps) {
    super(scope, id);
    const prefix = props.ruleNamePrefix ?? 'keywarden';
    if (!/^[A-Za-z0-9-]{1,40}$/.test(prefix)) {
      throw new Error(
        `KeywardenConfigRules ${id}: ruleNamePrefix must be 1 to 40 letters, digits or '-' (got ${JSON.stringify(prefix)})`,
      );
    }
    const ruleIds = userRuleIds(props.ruleIds);
    if (ruleIds.length === 0) {
      throw new Error(
        `KeywardenConfigRules ${id}: no enabled rule judges IAM users (got ${JSON.stringify(props.ruleIds)}); enable one in the policy`,
      );
    }

    // AWS Config invokes the evaluator for this account's rules only.
    const permission = new lambda.CfnPermission(this, 'ConfigInvoke', {
      action: 'lambda:InvokeFunction',
      functionName: props.evaluator.functionArn,
      principal: 'config.amazonaws.com',
      sourceAccount: Aws.ACCOUNT_ID,
    });

    const rules = new Map<RuleId, config.CfnConfigRule>();
    for (const ruleId of ruleIds) {
      const rule = RULES_BY_ID[ruleId];
      const cfn = new config.CfnConfigRule(this, ruleConstructId(ruleId), {
        configRuleName: configRuleName(prefix, ruleId),
        description: `Keywarden ${ruleId}: ${rule.description}`.slice(0, 256),
        scope: { complianceResourceTypes: ['AWS::IAM::User'] },
        inputParameters: { rule: ruleId },
        source: {
          owner: 'CUSTOM_LAMBDA',
          sourceIdentifier: props.evaluator.functionArn,
          sourceDetails: [
            { eventSource: 'aws.config', messageType: 'ConfigurationItemChangeNotification' },
            { eventSource: 'aws.config', messageType: 'OversizedConfigurationItemChangeNotification' },
            {
              eventSource: 'aws.config',
              messageType: 'ScheduledNotification',
              maximumExecutionFrequency: props.maximumExecutionFrequency,
            },
          ],
        },
      });
      cfn.addResourceDependency(permission);
      if (props.condition) cfn.cfnOptions.condition = props.condition;
      rules.set(ruleId, cfn);
    }
    this.rules = rules;
  }
}
