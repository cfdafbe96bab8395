import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { optionalStringParameter } from '../../src/infra/stack-parameters.js';
import { fastApp } from './support.js';

describe('the shared stack parameters', () => {
  it('declares the Config rule parameters the same way in both stacks that have them', () => {
    const { accountTemplate, awsNativeTemplate } = fastApp();
    const shared = [
      'ConfigRuleFrequency',
      'RemediationMaxAttempts',
      'RemediationRetrySeconds',
      'GlobalResourcesRegion',
    ];
    const withoutDescription = (template: typeof accountTemplate) =>
      Object.fromEntries(
        Object.entries(template.toJSON().Parameters as Record<string, Record<string, unknown>>)
          .filter(([name]) => shared.includes(name))
          .map(([name, { Description: _, ...rest }]) => [name, rest]),
      );
    expect(withoutDescription(accountTemplate)).toEqual(withoutDescription(awsNativeTemplate));
    expect(Object.keys(withoutDescription(accountTemplate))).toEqual(shared);
  });

  it('refuses an optional parameter whose pattern would refuse its own empty default', () => {
    const stack = new Stack(new App(), 'Test');
    expect(() =>
      optionalStringParameter(stack, 'Email', { allowedPattern: '^[^@]+@[^@]+$', description: 'x' }),
    ).toThrow(
      'optionalStringParameter Email: allowedPattern must accept the empty string (got ^[^@]+@[^@]+$); start it with ^$|',
    );
  });
});
