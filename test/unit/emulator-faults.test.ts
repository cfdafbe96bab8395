import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/emulator/faults.js';

/** Decides `n` calls to iam:ListUsers and returns their outcomes. */
function outcomes(faults: FaultInjector, n: number, service = 'iam', operation = 'ListUsers') {
  return Array.from({ length: n }, () => faults.decide(service, operation).fail);
}

describe('FaultInjector', () => {
  it('makes the same seeded throttling decisions in two injectors with the same seed', () => {
    // Prepare
    const config = { seed: 42, rules: [{ service: 'iam', throttleRate: 0.5 }] };
    const a = new FaultInjector(config);
    const b = new FaultInjector(config);
    // Act
    const first = outcomes(a, 200);
    const second = outcomes(b, 200);
    // Assess
    expect(second).toEqual(first);
    const throttled = first.filter((f) => f === 'throttle').length;
    expect(throttled).toBeGreaterThan(60);
    expect(throttled).toBeLessThan(140);
    expect(first.every((f) => f === 'throttle' || f === null)).toBe(true);
  });

  it('makes different decisions with a different seed, and repeats them after configure', () => {
    const rules = [{ throttleRate: 0.5 }];
    const faults = new FaultInjector({ seed: 1, rules });
    const withSeed1 = outcomes(faults, 64);
    expect(outcomes(new FaultInjector({ seed: 2, rules }), 64)).not.toEqual(withSeed1);
    faults.configure({ seed: 1, rules });
    expect(outcomes(faults, 64)).toEqual(withSeed1);
  });

  it('answers errors at errorRate 1 and nothing at rate 0', () => {
    expect(outcomes(new FaultInjector({ rules: [{ errorRate: 1 }] }), 3)).toEqual([
      'error',
      'error',
      'error',
    ]);
    expect(outcomes(new FaultInjector({ rules: [{ throttleRate: 0, errorRate: 0 }] }), 3)).toEqual([
      null,
      null,
      null,
    ]);
  });

  it('fails exactly `times` matching calls, then succeeds', () => {
    const faults = new FaultInjector({ rules: [{ operation: 'ListUsers', times: 2 }] });
    expect(outcomes(faults, 4)).toEqual(['error', 'error', null, null]);
  });

  it('fails `times` calls with the given kind', () => {
    const faults = new FaultInjector({ rules: [{ operation: 'ListUsers', times: 1, kind: 'throttle' }] });
    expect(outcomes(faults, 2)).toEqual(['throttle', null]);
  });

  it('applies rates only to the first `times` calls', () => {
    const faults = new FaultInjector({ rules: [{ times: 2, throttleRate: 1 }] });
    expect(outcomes(faults, 3)).toEqual(['throttle', 'throttle', null]);
  });

  it('counts `times` per rule over matching calls only', () => {
    const faults = new FaultInjector({ rules: [{ service: 'iam', operation: 'ListAccessKeys', times: 1 }] });
    expect(faults.decide('iam', 'ListUsers').fail).toBeNull();
    expect(faults.decide('sts', 'ListAccessKeys').fail).toBeNull();
    expect(faults.decide('iam', 'ListAccessKeys').fail).toBe('error');
    expect(faults.decide('iam', 'ListAccessKeys').fail).toBeNull();
  });

  it.each([
    { rule: { service: 'iam' }, call: ['iam', 'GetUser'], matches: true },
    { rule: { service: 'iam' }, call: ['sts', 'GetUser'], matches: false },
    { rule: { operation: 'GetUser' }, call: ['iam', 'GetUser'], matches: true },
    { rule: { operation: 'GetUser' }, call: ['iam', 'GetUserPolicy'], matches: false },
    { rule: { service: 'iam', operation: 'GetUser' }, call: ['sts', 'GetUser'], matches: false },
    { rule: {}, call: ['ssm', 'GetParameter'], matches: true },
  ])('matches $rule against $call: $matches', ({ rule, call, matches }) => {
    const [service = '', operation = ''] = call;
    const faults = new FaultInjector({ rules: [{ ...rule, errorRate: 1 }] });
    expect(faults.decide(service, operation).fail).toBe(matches ? 'error' : null);
  });

  it('adds the latency of every matching rule, even past `times`', () => {
    const faults = new FaultInjector({
      rules: [
        { latencyMs: 20 },
        { service: 'iam', latencyMs: 5, times: 1, kind: 'throttle' },
        { service: 'sts', latencyMs: 1000 },
      ],
    });
    expect(faults.decide('iam', 'ListUsers')).toEqual({ latencyMs: 25, fail: 'throttle' });
    expect(faults.decide('iam', 'ListUsers')).toEqual({ latencyMs: 25, fail: null });
    expect(faults.decide('ssm', 'GetParameter')).toEqual({ latencyMs: 20, fail: null });
  });

  it('throttles calls beyond throttleAboveRps within one wall-clock second', () => {
    // Prepare
    let wallMs = 1_700_000_000_000;
    const faults = new FaultInjector({ rules: [{ service: 'iam', throttleAboveRps: 2 }] }, () => wallMs);
    // Act
    const firstSecond = outcomes(faults, 4);
    wallMs += 999;
    const sameSecond = outcomes(faults, 1);
    wallMs += 1;
    const nextSecond = outcomes(faults, 3);
    // Assess
    expect(firstSecond).toEqual([null, null, 'throttle', 'throttle']);
    expect(sameSecond).toEqual(['throttle']);
    expect(nextSecond).toEqual([null, null, 'throttle']);
    expect(outcomes(faults, 1, 'sts', 'GetCallerIdentity')).toEqual([null]);
  });

  it('counts every call by service and operation, faulted or not', () => {
    // Prepare
    const faults = new FaultInjector({ rules: [{ operation: 'ListUsers', times: 1 }] });
    // Act
    faults.decide('iam', 'ListUsers');
    faults.decide('iam', 'ListUsers');
    faults.decide('iam', 'UpdateAccessKey');
    faults.decide('sts', 'AssumeRole');
    faults.decide('sns', 'Publish');
    // Assess
    expect(faults.calls()).toEqual([
      { service: 'iam', operation: 'ListUsers', count: 2 },
      { service: 'iam', operation: 'UpdateAccessKey', count: 1 },
      { service: 'sns', operation: 'Publish', count: 1 },
      { service: 'sts', operation: 'AssumeRole', count: 1 },
    ]);
    expect(faults.count()).toBe(5);
    expect(faults.count('iam')).toBe(3);
    expect(faults.count('iam', 'ListUsers')).toBe(2);
    expect(faults.count(undefined, 'Publish')).toBe(1);
    expect(faults.writeCalls()).toEqual([
      { service: 'iam', operation: 'UpdateAccessKey', count: 1 },
      { service: 'sns', operation: 'Publish', count: 1 },
    ]);
  });

  it('counts the calls it throttled or failed, by service and operation', () => {
    // Prepare
    const faults = new FaultInjector({
      rules: [
        { operation: 'ListAccessKeys', times: 2, kind: 'throttle' },
        { operation: 'UpdateAccessKey', times: 1 },
      ],
    });
    // Act
    for (let i = 0; i < 3; i++) faults.decide('iam', 'ListAccessKeys');
    for (let i = 0; i < 2; i++) faults.decide('iam', 'UpdateAccessKey');
    // Assess
    expect(faults.faulted('throttle')).toEqual([{ service: 'iam', operation: 'ListAccessKeys', count: 2 }]);
    expect(faults.faulted('error')).toEqual([{ service: 'iam', operation: 'UpdateAccessKey', count: 1 }]);
    expect(faults.count()).toBe(5);
    faults.resetCounts();
    expect(faults.faulted('throttle')).toEqual([]);
  });

  it('keeps counts across configure and clears them on resetCounts', () => {
    const faults = new FaultInjector();
    faults.decide('iam', 'ListUsers');
    faults.configure({ rules: [{ errorRate: 1 }] });
    expect(faults.count()).toBe(1);
    faults.resetCounts();
    expect(faults.calls()).toEqual([]);
  });
});

describe('writeCalls', () => {
  /** The calls the injector counts as writes after it has seen one call of `operation`. */
  const writesAfter = (operation: string) => {
    const faults = new FaultInjector();
    faults.decide('iam', operation);
    return faults.writeCalls().map((c) => c.operation);
  };

  it.each([
    'CreateAccessKey',
    'UpdateAccessKey',
    'DeleteLoginProfile',
    'PutSecretValue',
    'TagUser',
    'Publish',
    'SendEmail',
    'GenerateCredentialReport',
    'SetTopicAttributes',
    'RotateSecret',
    'UploadSSHPublicKey',
    'ChangePassword',
  ])('counts %s as a write', (operation) => {
    expect(writesAfter(operation)).toEqual([operation]);
  });

  it.each([
    'GetCredentialReport',
    'ListAccessKeys',
    'GetAccessKeyLastUsed',
    'DescribeOrganization',
    'GetCallerIdentity',
    'AssumeRole',
    'GetParameter',
  ])('counts %s as a read', (operation) => {
    expect(writesAfter(operation)).toEqual([]);
  });
});
