import { describe, expect, it } from 'vitest';
import { channelProblems } from '../../src/channels/check.js';
import { DEFAULT_POLICY } from '../../src/core/policy/types.js';

const withSlack = (slack: { webhookUrlEnv: string | null; webhookUrlSsmParameter: string | null }) => ({
  ...DEFAULT_POLICY.notifications,
  slack,
});

describe('channelProblems', () => {
  it.each([
    {
      name: 'env set',
      slack: { webhookUrlEnv: 'HOOK', webhookUrlSsmParameter: null },
      env: { HOOK: 'https://x' },
      problem: null,
    },
    {
      name: 'env unset',
      slack: { webhookUrlEnv: 'HOOK', webhookUrlSsmParameter: null },
      env: {},
      problem: /environment variable HOOK is not set/,
    },
    {
      name: 'env empty',
      slack: { webhookUrlEnv: 'HOOK', webhookUrlSsmParameter: null },
      env: { HOOK: ' ' },
      problem: /HOOK is not set/,
    },
    {
      name: 'SSM path',
      slack: { webhookUrlEnv: null, webhookUrlSsmParameter: '/keywarden/slack' },
      env: {},
      problem: null,
    },
    {
      name: 'SSM plain name',
      slack: { webhookUrlEnv: null, webhookUrlSsmParameter: 'keywarden-slack' },
      env: {},
      problem: null,
    },
    {
      name: 'SSM with a space',
      slack: { webhookUrlEnv: null, webhookUrlSsmParameter: '/key warden' },
      env: {},
      problem: /is not an SSM parameter name/,
    },
    {
      name: 'SSM path without its leading /',
      slack: { webhookUrlEnv: null, webhookUrlSsmParameter: 'keywarden/slack' },
      env: {},
      problem: /is not an SSM parameter name/,
    },
    {
      name: 'SSM reserved prefix',
      slack: { webhookUrlEnv: null, webhookUrlSsmParameter: '/aws/slack' },
      env: {},
      problem: /is not an SSM parameter name/,
    },
  ])('$name', ({ slack, env, problem }) => {
    const problems = channelProblems(withSlack(slack), env);
    if (problem === null) expect(problems).toEqual([]);
    else expect(problems).toEqual([expect.stringMatching(problem)]);
  });

  it('has nothing to say without Slack', () => {
    expect(channelProblems(DEFAULT_POLICY.notifications, {})).toEqual([]);
  });
});
