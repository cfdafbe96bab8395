/**
 * AWS Config's organization aggregator: the organization's compliance (the Keywarden Config rules of
 * every account) in one place, with the role that lets AWS Config read the organization. Declared in
 * the stack's own scope, so their logical ids (ConfigAggregatorRole…, ConfigAggregator) are those
 * they always had.
 */
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { acknowledgeWildcard } from './nag.js';

/** Declares the aggregator `ConfigAggregator` and its role `ConfigAggregatorRole` in `scope` (the stack). */
export function organizationConfigAggregator(scope: Construct): config.CfnConfigurationAggregator {
  const aggregatorRole = new iam.Role(scope, 'ConfigAggregatorRole', {
    assumedBy: new iam.ServicePrincipal('config.amazonaws.com'),
    description: "Keywarden: lets AWS Config read the organization's accounts for the aggregator",
    inlinePolicies: {
      organization: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'ReadOrganization',
            actions: [
              'organizations:DescribeOrganization',
              'organizations:ListAccounts',
              'organizations:ListAWSServiceAccessForOrganization',
              'organizations:ListDelegatedAdministrators',
            ],
            resources: ['*'],
          }),
        ],
      }),
    },
  });
  acknowledgeWildcard(
    aggregatorRole,
    '*',
    "The organization aggregator's role reads the organization (what AWS's AWSConfigRoleForOrganizations grants); these Organizations actions support no resource-level permissions.",
  );
  return new config.CfnConfigurationAggregator(scope, 'ConfigAggregator', {
    organizationAggregationSource: { roleArn: aggregatorRole.roleArn, allAwsRegions: true },
  });
}
