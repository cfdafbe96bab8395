/**
 * The CDK app: the three stacks for one policy, checked by cdk-nag. Used by `keywarden synth` (in
 * process, offline), by the CDK CLI through src/infra/main.ts (`keywarden deploy`), and by the
 * tests, which turn bundling and the built-in CloudFormation validation off to synthesize in well
 * under a second.
 */
import { App } from 'aws-cdk-lib';
import type { AccessKeysRotatedRemediation } from '../core/deployment.js';
import type { Policy } from '../core/policy/types.js';
import { KeywardenAccountStack } from './account-stack.js';
import { KeywardenAwsNativeStack } from './aws-native-stack.js';
import { addNagChecks } from './nag.js';
import { KeywardenOrganizationStack } from './organization-stack.js';

/** The stacks' names (and construct ids): stable, since deployed stacks are found by them. */
export const STACK_NAMES = {
  account: 'KeywardenAccount',
  awsNative: 'KeywardenAwsNative',
  organization: 'KeywardenOrganization',
} as const;

export interface KeywardenAppOptions {
  readonly policy: Policy;
  /** Where the policy came from (a file name), for descriptions. @default 'the default policy' */
  readonly policySource?: string;
  /** The cloud assembly folder. @default CDK_OUTDIR when the CDK CLI runs the app, else a temporary folder */
  readonly outdir?: string;
  /** Bundle the handlers with the local esbuild. @default true */
  readonly bundling?: boolean;
  /** aws-cdk-lib's built-in CloudFormation validation (about 10 s of CPU). @default true */
  readonly validation?: boolean;
  /** Run cdk-nag's AwsSolutions pack on every stack; a finding fails the synth. @default true */
  readonly nag?: boolean;
  /** KeywardenAwsNative's remedy for ACCESS_KEYS_ROTATED (see the stack's prop). @default 'notify' */
  readonly accessKeysRotatedRemediation?: AccessKeysRotatedRemediation;
}

export interface KeywardenApp {
  readonly app: App;
  readonly account: KeywardenAccountStack;
  readonly awsNative: KeywardenAwsNativeStack;
  readonly organization: KeywardenOrganizationStack;
}

/** Builds the app and its two stacks (nothing is synthesized yet). */
export function buildApp(options: KeywardenAppOptions): KeywardenApp {
  const app = new App({
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
    builtinCloudFormationValidation: options.validation ?? true,
    // No AWS::CDK::Metadata resource: the templates say nothing about the machine that made them.
    analyticsReporting: false,
    context: options.bundling === false ? { 'aws:cdk:bundling-stacks': [] } : {},
  });
  const account = new KeywardenAccountStack(app, STACK_NAMES.account, {
    policy: options.policy,
    ...(options.policySource === undefined ? {} : { policySource: options.policySource }),
  });
  const awsNative = new KeywardenAwsNativeStack(app, STACK_NAMES.awsNative, {
    policy: options.policy,
    ...(options.accessKeysRotatedRemediation === undefined
      ? {}
      : { accessKeysRotatedRemediation: options.accessKeysRotatedRemediation }),
  });
  const organization = new KeywardenOrganizationStack(app, STACK_NAMES.organization, {
    policy: options.policy,
    ...(options.policySource === undefined ? {} : { policySource: options.policySource }),
    memberTemplate: { nag: options.nag ?? true, validation: options.validation ?? true },
  });
  if (options.nag ?? true) addNagChecks(app);
  return { app, account, awsNative, organization };
}

/** What a synth wrote: the cloud assembly folder and each stack's template file. */
export interface SynthResult {
  readonly outdir: string;
  readonly templates: Readonly<Record<keyof typeof STACK_NAMES, string>>;
}

/** Builds and synthesizes the app; throws when the synth (validation, cdk-nag, bundling) fails. */
export function synthesizeApp(options: KeywardenAppOptions): SynthResult {
  const { app, account, awsNative, organization } = buildApp(options);
  const assembly = app.synth();
  const template = (stackName: string) => {
    const artifact = assembly.getStackByName(stackName);
    return `${assembly.directory}/${artifact.templateFile}`;
  };
  return {
    outdir: assembly.directory,
    templates: {
      account: template(account.stackName),
      awsNative: template(awsNative.stackName),
      organization: template(organization.stackName),
    },
  };
}
