/**
 * Automatic remediation for Keywarden's Config rules: an SSM Automation document that invokes the
 * `remediate` handler with the non-compliant user's resource id (`{"ResourceId": "AIDA..."}`), the
 * role Automation assumes to do it, and one remediation configuration per Config rule. The
 * handler re-reads the user live and is idempotent, so Config's retries do nothing new.
 */
import { Aws, type CfnCondition, Token } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { RuleId } from '../core/rules/registry.js';
import { ruleConstructId } from './config-rules.js';

/** aws:invokeLambdaFunction runs at most 300 seconds. */
const INVOKE_STEP_TIMEOUT_SECONDS = 300;

export interface ConfigRemediationProps {
  /** The Config rules to remediate, by Keywarden rule id. */
  readonly rules: ReadonlyMap<RuleId, config.CfnConfigRule>;
  /** The `remediate` handler. */
  readonly remediateFunction: lambda.IFunction;
  /** How many times Config tries a remediation (1 to 25), or a parameter's value. */
  readonly maximumAutomaticAttempts: number;
  /** Seconds between attempts (1 to 2678000), or a parameter's value. */
  readonly retryAttemptSeconds: number;
  /** Deploy the remediation configurations only where this holds (with the rules). @default always */
  readonly condition?: CfnCondition;
}

export class ConfigRemediation extends Construct {
  readonly document: ssm.CfnDocument;
  readonly automationRole: iam.Role;
  readonly configurations: readonly config.CfnRemediationConfiguration[];

  constructor(scope: Construct, id: string, props: ConfigRemediationProps) {
    super(scope, id);
    const inRange = (value: number, min: number, max: number) =>
      // A parameter's value is a token, checked by CloudFormation against the parameter's bounds.
      Token.isUnresolved(value) || (Number.isInteger(value) && value >= min && value <= max);
    if (!inRange(props.maximumAutomaticAttempts, 1, 25)) {
      throw new Error(
        `ConfigRemediation ${id}: maximumAutomaticAttempts must be 1 to 25 (got ${props.maximumAutomaticAttempts})`,
      );
    }
    if (!inRange(props.retryAttemptSeconds, 1, 2_678_000)) {
      throw new Error(
        `ConfigRemediation ${id}: retryAttemptSeconds must be 1 to 2678000 (got ${props.retryAttemptSeconds})`,
      );
    }

    this.automationRole = new iam.Role(this, 'AutomationRole', {
      description: 'Keywarden: SSM Automation invokes the remediate handler for AWS Config',
      assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      inlinePolicies: {
        InvokeRemediate: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'InvokeRemediate',
              actions: ['lambda:InvokeFunction'],
              resources: [props.remediateFunction.functionArn],
            }),
          ],
        }),
      },
    });

    this.document = new ssm.CfnDocument(this, 'Document', {
      documentType: 'Automation',
      documentFormat: 'JSON',
      content: {
        schemaVersion: '0.3',
        description:
          'Keywarden: applies the Keywarden plan for one IAM user (invokes the remediate handler with its resource id).',
        assumeRole: '{{ AutomationAssumeRole }}',
        parameters: {
          ResourceId: {
            type: 'String',
            description: 'The IAM user id (AIDA...) AWS Config found non-compliant.',
            allowedPattern: '^[A-Z0-9]{16,128}$',
          },
          AutomationAssumeRole: {
            type: 'String',
            description: 'The role Automation assumes to invoke the remediate handler.',
            allowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+$',
          },
        },
        mainSteps: [
          {
            name: 'InvokeRemediate',
            action: 'aws:invokeLambdaFunction',
            timeoutSeconds: INVOKE_STEP_TIMEOUT_SECONDS,
            onFailure: 'Abort',
            isEnd: true,
            inputs: {
              FunctionName: props.remediateFunction.functionName,
              InvocationType: 'RequestResponse',
              InputPayload: { ResourceId: '{{ ResourceId }}' },
            },
            outputs: [{ Name: 'Result', Selector: '$.Payload', Type: 'String' }],
          },
        ],
        outputs: ['InvokeRemediate.Result'],
      },
    });

    this.configurations = [...props.rules.entries()].map(([ruleId, rule]) => {
      const remediation = new config.CfnRemediationConfiguration(this, ruleConstructId(ruleId), {
        configRuleName: rule.ref,
        targetType: 'SSM_DOCUMENT',
        targetId: this.document.ref,
        resourceType: 'AWS::IAM::User',
        automatic: true,
        maximumAutomaticAttempts: props.maximumAutomaticAttempts,
        retryAttemptSeconds: props.retryAttemptSeconds,
        parameters: {
          ResourceId: { ResourceValue: { Value: 'RESOURCE_ID' } },
          AutomationAssumeRole: { StaticValue: { Values: [this.automationRole.roleArn] } },
        },
      });
      if (props.condition) remediation.cfnOptions.condition = props.condition;
      return remediation;
    });
  }
}
