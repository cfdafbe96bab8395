/**
 * The KeywardenOrganization state machine, as synthesized, run locally with aws-local-stepfunctions:
 * its Lambda tasks are replaced (by state name) with the real handlers, against an emulated
 * organization (five active accounts, one of which has no KeywardenMemberRole, and a suspended one)
 * with the hub's journal and report bucket on moto. The Map runs its workers concurrently, as
 * synthesized (MaxConcurrency's default), all writing to one DynamoDB journal. What a local run cannot show (it runs the
 * Distributed Map inline and ignores ToleratedFailurePercentage and ResultWriter) is asserted on the
 * template in test/infra/organization-stack.test.ts.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { StateMachine } from 'aws-local-stepfunctions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountReportKey } from '../../src/aws/report-bucket.js';
import { DEFAULT_POLICY } from '../../src/core/policy/types.js';
import type { Emulator } from '../../src/emulator/server.js';
import type { OrganizationReport, OrgReportResult } from '../../src/engine/organization-report.js';
import type { AccountReportObject, WorkerResult } from '../../src/engine/organization-run.js';
import { buildApp } from '../../src/infra/app.js';
import { ORGANIZATION_STATES } from '../../src/infra/organization-run.js';
import { createOrgAccountsHandler } from '../../src/lambda/org-accounts.js';
import { createOrgReportHandler } from '../../src/lambda/org-report.js';
import { createOrgWorkerHandler } from '../../src/lambda/org-worker.js';
import { startTestEmulator } from '../support/emulator.js';
import { captureLogs } from '../support/lambda.js';
import { type Moto, startMotoDynamo } from '../support/moto.js';
import {
  BUCKET,
  hubRuntime,
  type OrgWorld,
  orgWorld,
  prepareHubResources,
  readBucketJson,
  TOPIC_ARN,
} from '../support/organization-run.js';

// aws-local-stepfunctions targets Node 22; Node 20 lacks Promise.withResolvers.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.assign(Promise, {
    withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

type Cfn = string | number | boolean | null | Cfn[] | { [key: string]: Cfn };

/**
 * The definition string with its tokens resolved the way CloudFormation would: functions get fake
 * ARNs, parameters their defaults, the bucket its name.
 */
function resolveDefinition(template: Template): Record<string, unknown> {
  const json = template.toJSON() as {
    Resources: Record<string, { Type: string; Properties: Record<string, Cfn> }>;
    Parameters: Record<string, { Default?: string | number }>;
  };
  const resolve = (value: Cfn): string => {
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    if (value !== null && !Array.isArray(value) && typeof value === 'object') {
      if ('Ref' in value) {
        const name = value.Ref as string;
        const parameter = json.Parameters[name];
        if (parameter !== undefined) return String(parameter.Default ?? '');
        if (json.Resources[name]?.Type === 'AWS::S3::Bucket') return BUCKET;
        return `ref-${name}`;
      }
      if ('Fn::GetAtt' in value) {
        const [id, attribute] = value['Fn::GetAtt'] as [string, string];
        if (attribute === 'Arn' && json.Resources[id]?.Type === 'AWS::Lambda::Function') {
          return `arn:aws:lambda:us-east-1:100000000000:function:${id}`;
        }
        return `${id}.${attribute}`;
      }
      if ('Fn::Join' in value) {
        const [separator, parts] = value['Fn::Join'] as [string, Cfn[]];
        return parts.map(resolve).join(separator);
      }
    }
    throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  };
  const machines = Object.values(json.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  expect(machines).toHaveLength(1);
  const parsed = JSON.parse(resolve(machines[0]?.Properties.DefinitionString as Cfn)) as Record<
    string,
    unknown
  >;
  return parsed;
}

let emu: Emulator;
let moto: Moto;
let org: OrgWorld;
let definition: Record<string, unknown>;
beforeAll(async () => {
  org = orgWorld();
  [emu, moto] = await Promise.all([
    startTestEmulator({ world: org.world, credentialReport: { inProgressPolls: 0 } }),
    startMotoDynamo(),
  ]);
  await prepareHubResources(moto);
  const { organization } = buildApp({
    policy: DEFAULT_POLICY,
    bundling: false,
    validation: false,
    nag: false,
  });
  definition = resolveDefinition(Template.fromStack(organization));
});
afterAll(async () => {
  await Promise.all([emu?.stop(), moto?.stop()]);
});

interface Digest {
  readonly topicArn: string;
  readonly message: string;
}

async function digests(): Promise<Digest[]> {
  const body = (await (await fetch(`${emu.url}/_keywarden/sns/messages`)).json()) as { messages: Digest[] };
  return body.messages.filter(
    (m) => m.topicArn === TOPIC_ARN && m.message.startsWith('Keywarden organization run'),
  );
}

describe('the organization state machine, run locally', () => {
  it('audits every active account once, reports the unreachable one as failed, and the run succeeds', async () => {
    // Prepare
    const logs = captureLogs();
    const options = hubRuntime(emu, moto, logs);
    const worker = createOrgWorkerHandler(options);
    const workerCalls: string[] = [];
    const machine = new StateMachine(definition as never, { validationOptions: { checkArn: false } });

    // Act
    const execution = machine.run(
      { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} },
      {
        overrides: {
          taskResourceLocalHandlers: {
            [ORGANIZATION_STATES.listAccounts]: (input) => createOrgAccountsHandler(options)(input) as never,
            [ORGANIZATION_STATES.worker]: async (input) => {
              workerCalls.push((input as { accountId: string }).accountId);
              return (await worker(input)) as never;
            },
            [ORGANIZATION_STATES.report]: (input) => createOrgReportHandler(options)(input) as never,
          },
        },
      },
    );
    const result = (await execution.result) as unknown as OrgReportResult;

    // Assess: every active account worked on exactly once; the suspended one never
    const active = [...org.reachable, org.unreachable].sort();
    expect([...workerCalls].sort()).toEqual(active);
    expect(workerCalls).not.toContain(org.suspended);
    expect(result).toMatchObject({ handler: 'org-report', accounts: active.length, failedAccounts: 1 });

    // Assess: the organization report matches the account reports
    const report = await readBucketJson<OrganizationReport>(moto, `runs/${result.runId}/organization.json`);
    if (report === null) throw new Error('no organization report');
    expect(report.accounts.map((a) => a.accountId).sort()).toEqual(active);
    expect(report.skipped).toEqual([expect.objectContaining({ accountId: org.suspended })]);
    let users = 0;
    let findings = 0;
    for (const row of report.accounts) {
      const object = await readBucketJson<AccountReportObject>(
        moto,
        accountReportKey(result.runId, row.accountId),
      );
      if (object === null) throw new Error(`no report for ${row.accountId}`);
      expect(object.status, row.accountId).toBe(row.status);
      if (object.status === 'ok') {
        expect(row).toMatchObject({
          users: object.report.summary.users,
          findings: object.report.summary.findings,
          open: object.report.summary.open,
          actions: { done: object.remediation.results.done, failed: object.remediation.results.failed },
        });
        users += object.report.summary.users;
        findings += object.report.summary.findings;
      } else {
        expect(row.accountId).toBe(org.unreachable);
        expect(row.error).toBe(object.error);
        expect(object.error).toMatch(/^sts:AssumeRole .*KeywardenMemberRole failed: AccessDenied/);
      }
    }
    expect(report.summary).toMatchObject({ accounts: active.length, accountErrors: 1, users, findings });
    expect(users).toBe(org.reachable.length * 3);

    // Assess: one digest on the central topic, naming the failed account and the report
    const sent = await digests();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.message).toContain(`${org.unreachable}: sts:AssumeRole`);
    expect(sent[0]?.message).toContain(`s3://${BUCKET}/runs/${result.runId}/organization.json`);
    expect(sent[0]?.message).not.toMatch(/SecretAccessKey|wJalr|hub-secret/);
  });

  it('a worker whose Lambda fails is caught inside the Map: the account is reported failed, the rest complete', async () => {
    // Prepare: the worker's Lambda "crashes" in one account (before it can write a report)
    const logs = captureLogs();
    const options = hubRuntime(emu, moto, logs);
    const worker = createOrgWorkerHandler(options);
    const crashing = org.reachable[1] as string;
    const machine = new StateMachine(definition as never, { validationOptions: { checkArn: false } });
    const before = (await digests()).length;

    // Act
    const result = (await machine.run(
      {},
      {
        overrides: {
          taskResourceLocalHandlers: {
            [ORGANIZATION_STATES.listAccounts]: (input) => createOrgAccountsHandler(options)(input) as never,
            [ORGANIZATION_STATES.worker]: async (input) => {
              if ((input as { accountId: string }).accountId === crashing) {
                throw Object.assign(new Error('Task timed out after 900.00 seconds'), {
                  name: 'Sandbox.Timedout',
                });
              }
              return (await worker(input)) as WorkerResult as never;
            },
            [ORGANIZATION_STATES.report]: (input) => createOrgReportHandler(options)(input) as never,
          },
        },
      },
    ).result) as unknown as OrgReportResult;

    // Assess
    expect(result.failedAccounts).toBe(2);
    const report = await readBucketJson<OrganizationReport>(moto, `runs/${result.runId}/organization.json`);
    const row = report?.accounts.find((a) => a.accountId === crashing);
    expect(row).toMatchObject({ status: 'error', report: null });
    expect(row?.error).toMatch(/wrote no report/);
    expect(report?.accounts.filter((a) => a.status === 'ok')).toHaveLength(org.reachable.length - 1);
    expect((await digests()).length).toBe(before + 1);
  });
});
