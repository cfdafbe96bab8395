import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_PARAMETERS, AWS_NATIVE_PARAMETERS, fastApp, ORGANIZATION_PARAMETERS } from './support.js';

const DOC = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const { accountTemplate, awsNativeTemplate, organization } = fastApp();

/** The template's own parameters (the CDK adds BootstrapVersion). */
const parametersOf = (template: typeof accountTemplate) =>
  Object.keys(template.toJSON().Parameters as object).filter((name) => name !== 'BootstrapVersion');

describe('docs/deploy.md and the README', () => {
  it('list every parameter of each stack, and no other', () => {
    expect(parametersOf(accountTemplate)).toEqual([...ACCOUNT_PARAMETERS]);
    expect(parametersOf(awsNativeTemplate)).toEqual([...AWS_NATIVE_PARAMETERS]);
    for (const name of new Set([...ACCOUNT_PARAMETERS, ...AWS_NATIVE_PARAMETERS])) {
      expect(DOC, name).toContain(`| \`${name}\` |`);
    }
    const section = DOC.slice(
      DOC.indexOf('## Parameters'),
      DOC.indexOf('## What `KeywardenAccount` creates'),
    );
    const documented = [...section.matchAll(/^\| `([A-Z][A-Za-z]+)` \|/gm)].map((m) => m[1]);
    expect(documented.length).toBeGreaterThan(10);
    expect(
      documented.filter(
        (n) =>
          !parametersOf(accountTemplate)
            .concat(parametersOf(awsNativeTemplate))
            .includes(n ?? ''),
      ),
    ).toEqual([]);
  });

  it('list every parameter of KeywardenOrganization in its own section, and the README names them', () => {
    const section = DOC.slice(
      DOC.indexOf('### Parameters of `KeywardenOrganization`'),
      DOC.indexOf('### What `KeywardenOrganization` creates'),
    );
    const documented = [...section.matchAll(/^\| `([A-Z][A-Za-z]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual([...ORGANIZATION_PARAMETERS]);
    const readme = README.slice(README.indexOf('### Across an AWS Organization'));
    for (const name of ORGANIZATION_PARAMETERS) expect(readme, name).toContain(`\`${name}\``);
    expect(organization.stackName).toBe('KeywardenOrganization');
  });

  it('name the Config rules the stack creates', () => {
    const names = Object.values(accountTemplate.findResources('AWS::Config::ConfigRule')).map(
      (r) => (r as { Properties: { ConfigRuleName: string } }).Properties.ConfigRuleName,
    );
    for (const name of names) expect(DOC).toContain(`\`${name}\``);
  });

  it('has the README’s deploy section with the steps and the commands', () => {
    expect(README).toContain('## Deploy into an AWS account');
    for (const text of [
      'keywarden synth --config keywarden.yaml',
      'keywarden deploy KeywardenAccount',
      'cdk bootstrap',
      'keywarden invoke',
    ]) {
      expect(README).toContain(text);
    }
  });
});
