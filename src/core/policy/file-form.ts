/**
 * The effective policy written back as a policy file, as a user would write it: what
 * `keywarden validate --print` shows. Reading it back gives the same effective policy.
 */
import type { PolicyInput } from './schema.js';
import type { ExemptionCommon, Policy } from './types.js';

/** `until` and `rules` are written only when set: absent means no end date and every rule. */
function common(e: ExemptionCommon) {
  return {
    reason: e.reason,
    ...(e.until === null ? {} : { until: e.until }),
    ...(e.rules === null ? {} : { rules: [...e.rules] }),
  };
}

/**
 * Every value spelled out, so the file does not depend on today's defaults. A null the file format
 * accepts (no SNS topic, no forced deactivation) stays `null`; a null meaning "not given" (no
 * preset, an exemption with no end date, the Slack source not used) is left out.
 */
export function policyFileForm(policy: Policy): PolicyInput {
  const { exemptions: ex, notifications: n } = policy;
  const slack = n.slack;
  return {
    version: 1,
    ...(policy.preset === null ? {} : { preset: policy.preset }),
    rules: structuredClone(policy.rules),
    exemptions: {
      users: ex.users.map((e) => ({ name: e.name, ...common(e) })),
      paths: ex.paths.map((e) => ({ path: e.path, ...common(e) })),
      groups: ex.groups.map((e) => ({ group: e.group, ...common(e) })),
      tag: { ...ex.tag },
      ssmParameter:
        ex.ssmParameter === null
          ? null
          : {
              name: ex.ssmParameter.name,
              reason: ex.ssmParameter.reason,
              ...(ex.ssmParameter.rules === null ? {} : { rules: [...ex.ssmParameter.rules] }),
            },
    },
    inventory: { ...policy.inventory },
    rotation: { ...policy.rotation },
    remediation: { ...policy.remediation, secretTags: { ...policy.remediation.secretTags } },
    notifications: {
      securityTeamEmail: n.securityTeamEmail,
      sns: n.sns === null ? null : { ...n.sns },
      slack:
        slack === null
          ? null
          : {
              ...(slack.webhookUrlEnv === null ? {} : { webhookUrlEnv: slack.webhookUrlEnv }),
              ...(slack.webhookUrlSsmParameter === null
                ? {}
                : { webhookUrlSsmParameter: slack.webhookUrlSsmParameter }),
            },
      email: n.email === null ? null : { ...n.email },
    },
    journal: {
      ...(policy.journal.location === null ? {} : { location: policy.journal.location }),
      leaseSeconds: policy.journal.leaseSeconds,
    },
    compliance: { cisVersion: policy.compliance.cisVersion },
  };
}
