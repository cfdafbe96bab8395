/**
 * Whether the channels a policy configures can be resolved before anything is sent: a Slack
 * webhook's environment variable is set, its SSM parameter name is one SSM accepts. `validate`
 * refuses a policy that fails these; plan and apply warn.
 */
import type { NotificationsConfig } from '../core/policy/types.js';

/** SSM's own rule for a parameter name: letters, digits and . - _ /; a path starts with "/". */
const SSM_NAME = /^(?!\/?(aws|ssm))(\/[A-Za-z0-9_.-]+)+$|^(?!(aws|ssm))[A-Za-z0-9_.-]+$/i;

export function channelProblems(config: NotificationsConfig, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const slack = config.slack;
  if (slack?.webhookUrlEnv) {
    const value = env[slack.webhookUrlEnv];
    if (value === undefined || value.trim() === '') {
      problems.push(
        `notifications.slack.webhookUrlEnv: the environment variable ${slack.webhookUrlEnv} is not set, ` +
          'so Slack notices would fail; set it to the incoming webhook URL',
      );
    }
  }
  if (slack?.webhookUrlSsmParameter) {
    const name = slack.webhookUrlSsmParameter;
    if (name.length > 2048 || !SSM_NAME.test(name)) {
      problems.push(
        `notifications.slack.webhookUrlSsmParameter: ${JSON.stringify(name)} is not an SSM parameter name ` +
          '(letters, digits, . - _ and /; a path starts with "/"; not starting with aws or ssm)',
      );
    }
  }
  return problems;
}
