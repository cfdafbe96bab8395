import type { Permission } from '../core/permission.js';
import type { NotificationsConfig } from '../core/policy/types.js';

/** What reading the webhook URL from SSM needs (none when it comes from the environment). */
export const SLACK_SSM_PERMISSIONS: readonly Permission[] = ['ssm:GetParameter'];

/** What publishing a digest to the topic needs. */
export const SNS_PERMISSIONS: readonly Permission[] = ['sns:Publish'];

/** What sending a digest with SES v2 needs. */
export const EMAIL_PERMISSIONS: readonly Permission[] = ['ses:SendEmail'];

/** The AWS permissions the channels this configuration turns on need; the deployed role is built from it. */
export function notificationPermissions(config: NotificationsConfig): Permission[] {
  return [
    ...(config.sns === null ? [] : SNS_PERMISSIONS),
    ...(config.email === null ? [] : EMAIL_PERMISSIONS),
    ...(config.slack?.webhookUrlSsmParameter ? SLACK_SSM_PERMISSIONS : []),
  ];
}
