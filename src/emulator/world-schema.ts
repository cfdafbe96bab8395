/**
 * The world format's zod schema: field by field, with messages in the policy file's words ("must
 * be ..."), so the shared formatter (src/core/policy-errors.ts) turns each issue into one line that
 * names the field path and shows the bad value. Checks that span fields live in world-validate.ts.
 */
import * as z from 'zod';
import { AWS_MANAGED_POLICY_NAMES, awsManagedPolicyArn } from './state.js';

const MAX_DAYS = 36_500;
const DAYS_MESSAGE = 'must be a number ≥ 0';
const LAST_USED_MESSAGE = 'must be a number ≥ 0, or never';
const MAX_DAYS_MESSAGE = `must be at most ${MAX_DAYS} days (100 years)`;

const daysAgo = z
  .number({ error: DAYS_MESSAGE })
  .min(0, { error: DAYS_MESSAGE })
  .max(MAX_DAYS, { error: MAX_DAYS_MESSAGE });
const lastUsedDaysAgo = z.union(
  [
    z
      .number({ error: LAST_USED_MESSAGE })
      .min(0, { error: LAST_USED_MESSAGE })
      .max(MAX_DAYS, { error: MAX_DAYS_MESSAGE }),
    z.literal('never'),
    z.null(),
  ],
  { error: LAST_USED_MESSAGE },
);

function pattern(regex: RegExp, message: string) {
  return z.string({ error: message }).regex(regex, { error: message });
}

function text(min: number, max: number) {
  const message = `must be a string of ${min} to ${max} characters`;
  return z.string({ error: message }).min(min, { error: message }).max(max, { error: message });
}

function list<T extends z.ZodType>(item: T) {
  return z.array(item, { error: 'must be a list' });
}

const ACCOUNT_ID_MESSAGE = 'must be a 12-digit account id in quotes, e.g. "111111111111"';
const accountId = pattern(/^\d{12}$/, ACCOUNT_ID_MESSAGE);
const iamName = (max: number) =>
  pattern(new RegExp(`^[\\w+=,.@-]{1,${max}}$`), `must be 1 to ${max} letters, digits or + = , . @ _ -`);
const iamPath = pattern(
  /^\/(?:[\x21-\x7e]{0,510}\/)?$/,
  'must be an IAM path that starts and ends with "/", e.g. /engineering/',
);
const serviceName = pattern(/^[a-z0-9-]{1,64}$/, 'must be a service signing name, e.g. s3 or sts');
const region = pattern(/^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/, 'must be a region, e.g. us-east-1');
const tagValue = z
  .string({ error: 'must be a string; quote values such as "true" or dates' })
  .max(256, { error: 'must be at most 256 characters' });
const tags = z
  .record(
    z
      .string()
      .min(1, { error: 'tag keys must not be empty' })
      .max(128, { error: 'tag keys must be at most 128 characters' }),
    tagValue,
    { error: 'must be a mapping of tag key to value' },
  )
  .refine((t) => Object.keys(t).length <= 50, { error: 'must hold at most 50 tags' });

const accessKeySchema = z.strictObject({
  id: pattern(/^AKIA[A-Z0-9]{16}$/, 'must be AKIA followed by 16 upper-case letters or digits').optional(),
  status: z.enum(['Active', 'Inactive']).optional(),
  createdDaysAgo: daysAgo.optional(),
  lastUsedDaysAgo: lastUsedDaysAgo.optional(),
  service: serviceName.optional(),
  region: region.optional(),
});

const loginProfileSchema = z.strictObject({
  createdDaysAgo: daysAgo.optional(),
  passwordLastChangedDaysAgo: daysAgo.optional(),
  passwordLastUsedDaysAgo: lastUsedDaysAgo.optional(),
  passwordResetRequired: z.boolean().optional(),
});

const userSchema = z.strictObject({
  name: iamName(64),
  description: z.string().optional(),
  path: iamPath.optional(),
  createdDaysAgo: daysAgo.optional(),
  tags: tags.optional(),
  groups: list(iamName(128)).optional(),
  mfa: z.boolean().optional(),
  attachedPolicies: list(
    z.enum(AWS_MANAGED_POLICY_NAMES.map(awsManagedPolicyArn) as [string, ...string[]], {
      message: `must be the ARN of an AWS managed policy the emulator knows: ${AWS_MANAGED_POLICY_NAMES.map(awsManagedPolicyArn).join(', ')}`,
    }),
  ).optional(),
  loginProfile: loginProfileSchema.nullable().optional(),
  passwordLastUsedDaysAgo: lastUsedDaysAgo.optional(),
  accessKeys: list(accessKeySchema).optional(),
});

const rootKeySchema = z.strictObject({
  active: z.boolean().optional(),
  createdDaysAgo: daysAgo.optional(),
  lastUsedDaysAgo: lastUsedDaysAgo.optional(),
  service: serviceName.optional(),
  region: region.optional(),
});

const rootSchema = z.strictObject({
  mfa: z.boolean().optional(),
  passwordLastUsedDaysAgo: lastUsedDaysAgo.optional(),
  accessKeys: list(rootKeySchema).optional(),
});

const namedPath = (max: number) => z.strictObject({ name: iamName(max), path: iamPath.optional() });

const accountSchema = z.strictObject({
  id: accountId,
  name: text(1, 50).optional(),
  email: pattern(/^[^@\s]+@[^@\s]+$/, 'must be an email address').optional(),
  status: z.enum(['ACTIVE', 'SUSPENDED']).optional(),
  createdDaysAgo: daysAgo.optional(),
  root: rootSchema.optional(),
  groups: list(namedPath(128)).optional(),
  roles: list(namedPath(64)).optional(),
  ssmParameters: list(
    z.strictObject({
      name: pattern(/^[\w./-]{1,2048}$/, 'must be a parameter name such as /team/setting'),
      value: text(0, 4096),
      type: z.enum(['String', 'StringList', 'SecureString']).optional(),
      description: text(0, 1024).optional(),
    }),
  ).optional(),
  snsTopics: list(
    z.strictObject({
      name: pattern(/^[\w-]{1,256}$/, 'must be 1 to 256 letters, digits, _ or -'),
      tags: tags.optional(),
    }),
  ).optional(),
  users: list(userSchema).optional(),
});

/** A tree of OUs; the type is written out because zod cannot infer a recursive schema. */
interface OrganizationalUnitInput {
  id?: string | undefined;
  name: string;
  accounts?: string[] | undefined;
  children?: OrganizationalUnitInput[] | undefined;
}

const organizationalUnitSchema: z.ZodType<OrganizationalUnitInput> = z.lazy(() =>
  z.strictObject({
    id: pattern(
      /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/,
      'must be ou-, the root id without r-, a dash and 8 to 32 lower-case letters or digits, e.g. ou-ab12-cd34ef56',
    ).optional(),
    name: text(1, 128),
    accounts: list(accountId).optional(),
    children: list(organizationalUnitSchema).optional(),
  }),
);

const organizationSchema = z.strictObject({
  id: pattern(/^o-[a-z0-9]{10,32}$/, 'must be o- followed by 10 to 32 lower-case letters or digits'),
  managementAccountId: accountId,
  memberAccountIds: list(accountId).optional(),
  rootId: pattern(
    /^r-[0-9a-z]{4,32}$/,
    'must be r- followed by 4 to 32 lower-case letters or digits',
  ).optional(),
  organizationalUnits: list(organizationalUnitSchema).optional(),
  delegatedAdministrators: list(accountId).optional(),
});

export const worldSchema = z.strictObject({
  organizations: list(organizationSchema).optional(),
  accounts: list(accountSchema).min(1, { error: 'must list at least one account' }),
  sts: z.strictObject({ sessionsExpire: z.boolean().optional() }).optional(),
});
