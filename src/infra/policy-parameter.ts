/**
 * The SSM parameter holding the policy YAML the handlers run (KEYWARDEN_POLICY_PARAMETER): the
 * effective policy at synth time, written as a policy file, so the Config rule, the scheduled run
 * and the CLI read the same rules. Change it by synthesizing and deploying again with `--config`.
 */
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { policyFileForm } from '../core/policy/file-form.js';
import type { Policy } from '../core/policy/types.js';

/** SSM's limits: a standard parameter holds 4 KB, an advanced one 8 KB. */
const STANDARD_MAX_BYTES = 4096;
const ADVANCED_MAX_BYTES = 8192;

export interface PolicyParameterProps {
  readonly policy: Policy;
  /** Where the policy came from, for the parameter's description. @default 'the default policy' */
  readonly source?: string;
  /** The parameter's name (one Keywarden stack per account and region). @default '/keywarden/policy' */
  readonly parameterName?: string;
}

export class PolicyParameter extends Construct {
  readonly parameter: ssm.StringParameter;
  /** The parameter's name, as a literal (IAM statements name it without a reference). */
  readonly parameterName: string;
  /** The YAML stored: what `keywarden validate --print` prints for the same policy. */
  readonly text: string;

  constructor(scope: Construct, id: string, props: PolicyParameterProps) {
    super(scope, id);
    const parameterName = props.parameterName ?? '/keywarden/policy';
    this.parameterName = parameterName;
    if (
      !/^\/?[A-Za-z0-9_.\-/]{1,1000}$/.test(parameterName) ||
      parameterName.startsWith('/aws') ||
      parameterName.startsWith('/ssm')
    ) {
      throw new Error(
        `PolicyParameter ${id}: parameterName must be an SSM parameter name such as /keywarden/policy (got ${JSON.stringify(parameterName)})`,
      );
    }
    this.text = stringify(policyFileForm(props.policy));
    const bytes = Buffer.byteLength(this.text, 'utf8');
    if (bytes > ADVANCED_MAX_BYTES) {
      throw new Error(
        `PolicyParameter ${id}: the policy is ${bytes} bytes as YAML, more than an SSM parameter holds (${ADVANCED_MAX_BYTES}); ` +
          'move long exemption lists to exemptions.ssmParameter',
      );
    }
    this.parameter = new ssm.StringParameter(this, 'Parameter', {
      parameterName,
      description: `Keywarden policy (${props.source ?? 'the default policy'}), written by keywarden synth`,
      stringValue: this.text,
      tier: bytes > STANDARD_MAX_BYTES ? ssm.ParameterTier.ADVANCED : ssm.ParameterTier.STANDARD,
    });
  }
}
