/**
 * Notification text, pure: the notify actions of one run become one digest per recipient, in plain
 * text and in sections that channels which format (slack-message.ts) lay out. Every channel sends the
 * same words, so an owner reading email and a security engineer reading Slack see the same account,
 * user, key id, deadline and next step. Messages never carry secret key material; new keys are
 * fetched from Secrets Manager.
 */
import type { NotifyAction, Stage } from '../core/plan/types.js';
import { oneLine, plural, scrub, truncate } from './text.js';

/** The recipient of the digest for actions without an owner email address. */
export const SECURITY_TEAM = 'security-team';

/** SNS refuses a longer Subject; SES and Slack are happy with it too. */
const MAX_SUBJECT_LENGTH = 100;

/** One labelled line of a section, e.g. `Due: 2026-12-06 (UTC, in 14 days)`. */
interface DigestLine {
  readonly label: string;
  readonly value: string;
  /** A shell command the reader can copy; Slack shows it as code. */
  readonly command: boolean;
}

/** Everything one notify action says. */
export interface DigestSection {
  readonly actionId: string;
  /** `Account 123456789012, user alice, access key AKIA...` */
  readonly heading: string;
  readonly lines: readonly DigestLine[];
}

export interface Digest {
  /** A lower-cased email address, or {@link SECURITY_TEAM}. */
  readonly recipient: string;
  /** At most {@link MAX_SUBJECT_LENGTH} printable ASCII characters, one line. */
  readonly subject: string;
  /** Plain text body: an introduction, then one numbered section per action. */
  readonly text: string;
  /** The ids of the notify actions this digest carries, in section order. */
  readonly actionIds: readonly string[];
  /** The same content as `text`, structured for channels that format (Slack). */
  readonly sections: readonly DigestSection[];
}

export interface RenderOptions {
  readonly runId: string;
  readonly now: Date;
  /** Named in the security team's digest; an owner with this address is folded into that digest. */
  readonly securityTeamEmail: string | null;
}

// Deliberately narrower than RFC 5322: plain ASCII, one address, no display name or list, which
// is what SES's Destination accepts as is.
const EMAIL_ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** True when an owner tag value can be used as an email recipient. */
function isEmailAddress(value: string): boolean {
  return value.length <= 254 && EMAIL_ADDRESS.test(value);
}

/**
 * Groups notify actions by who must act: the owner tag's address, or the security team when the
 * tag is missing or not an email address. Digests are ordered by address with the security team
 * last; sections keep the actions' (plan) order.
 */
export function renderDigests(actions: readonly NotifyAction[], options: RenderOptions): Digest[] {
  const securityTeam = options.securityTeamEmail?.trim().toLowerCase() || null;
  const groups = new Map<string, NotifyAction[]>();
  for (const action of actions) {
    const recipient = resolveRecipient(action.recipient, securityTeam);
    const group = groups.get(recipient);
    if (group === undefined) groups.set(recipient, [action]);
    else group.push(action);
  }
  const recipients = [...groups.keys()].sort((a, b) =>
    a === SECURITY_TEAM ? 1 : b === SECURITY_TEAM ? -1 : a < b ? -1 : a > b ? 1 : 0,
  );
  return recipients.map((recipient) => buildDigest(recipient, groups.get(recipient) ?? [], options));
}

// ---------------------------------------------------------------------------------------------

const STAGE_TITLES: Readonly<Record<Stage, string>> = {
  warn: 'key rotation coming',
  rotate: 'new key ready',
  blocked: 'key rotation blocked',
  deactivate: 'old key deactivated',
  'still-in-use': 'old key still in use',
  'force-deactivate': 'key deactivated',
  delete: 'key deleted',
  'inactive-seen': 'inactive key to be deleted',
  'active-seen': 'key active again',
  'revoke-unused': 'unused credential revoked',
  remediate: 'finding remediated',
};

const SECRET_FETCH_COMMAND = 'aws secretsmanager get-secret-value --secret-id';

function resolveRecipient(tagValue: string | null, securityTeam: string | null): string {
  const address = tagValue?.trim() ?? '';
  if (!isEmailAddress(address)) return SECURITY_TEAM;
  const lower = address.toLowerCase();
  return lower === securityTeam ? SECURITY_TEAM : lower;
}

/** Who a digest is for, in words. */
export function audience(recipient: string): string {
  return recipient === SECURITY_TEAM ? 'the security team' : recipient;
}

function buildDigest(recipient: string, actions: readonly NotifyAction[], options: RenderOptions): Digest {
  const forSecurityTeam = recipient === SECURITY_TEAM;
  const sections = actions.map((action) => buildSection(action, forSecurityTeam, options.now));
  const securityTeam = options.securityTeamEmail?.trim() || null;
  const intro = [
    `Keywarden credential notices for ${
      forSecurityTeam ? `the security team${securityTeam ? ` (${securityTeam})` : ''}` : recipient
    }`,
    `Run ${oneLine(options.runId)} at ${options.now.toISOString()}: ${plural(sections.length, 'notice')}.`,
  ];
  if (forSecurityTeam) {
    intro.push(
      'These credentials have no owner tag holding an email address, so their notices come to you:',
      'find the owner and tell them, or act in their place.',
    );
  }
  const body = sections.map((section, index) => formatSection(section, index + 1));
  const footer =
    'Keywarden never sends secret keys in messages: fetch a new key from Secrets Manager with your own ' +
    'AWS credentials for that account.';
  return {
    recipient,
    subject: buildSubject(actions),
    text: `${[intro.join('\n'), ...body, footer].join('\n\n')}\n`,
    actionIds: actions.map((a) => a.id),
    sections,
  };
}

function buildSection(action: NotifyAction, forSecurityTeam: boolean, now: Date): DigestSection {
  const allowed = action.secretName === null ? [] : [action.secretName];
  const freeText = (label: string, value: string): DigestLine => ({
    label,
    value: scrub(oneLine(value), allowed),
    command: false,
  });
  const lines: DigestLine[] = [
    freeText('What happened', action.happened),
    freeText('What to do', action.ownerAction),
  ];
  if (action.dueDate !== null) {
    lines.push({ label: 'Due', value: formatDue(action.dueDate, now), command: false });
  }
  if (action.secretName !== null) {
    const name = oneLine(action.secretName);
    lines.push(
      {
        label: 'New key',
        value: `Secrets Manager secret ${name} in account ${action.accountId}`,
        command: false,
      },
      { label: 'Fetch it with', value: `${SECRET_FETCH_COMMAND} ${name}`, command: true },
    );
  }
  if (forSecurityTeam) {
    const tag = action.recipient?.trim() ?? '';
    lines.push({
      label: 'Owner',
      value: tag === '' ? 'no owner tag' : scrub(`owner tag "${oneLine(tag)}" is not an email address`, []),
      command: false,
    });
  }
  lines.push({ label: 'Reference', value: `${action.id} (${action.rule})`, command: false });
  const credential = action.accessKeyId === null ? 'console password' : `access key ${action.accessKeyId}`;
  return {
    actionId: action.id,
    heading: `Account ${action.accountId}, user ${action.userName}, ${credential}`,
    lines,
  };
}

function formatSection(section: DigestSection, number: number): string {
  const width = Math.max(...section.lines.map((l) => l.label.length)) + 1;
  const lines = section.lines.map((l) => `   ${`${l.label}:`.padEnd(width)} ${l.value}`);
  return [`${number}. ${section.heading}`, ...lines].join('\n');
}

function buildSubject(actions: readonly NotifyAction[]): string {
  const due = earliestDay(actions);
  const act = due === null ? '' : `, act by ${due}`;
  const [first] = actions;
  if (actions.length === 1 && first !== undefined) {
    const credential = first.accessKeyId ?? 'console password';
    return subjectText(
      `Keywarden: ${STAGE_TITLES[first.stage]}${act} - ${first.userName} ${credential} in ${first.accountId}`,
    );
  }
  const users = new Set(actions.map((a) => `${a.accountId}/${a.userName}`)).size;
  return subjectText(`Keywarden: ${actions.length} credential notices for ${plural(users, 'user')}${act}`);
}

/** The earliest deadline as `YYYY-MM-DD`, or null when no action has one. */
function earliestDay(actions: readonly NotifyAction[]): string | null {
  const times = actions
    .map((a) => (a.dueDate === null ? Number.NaN : Date.parse(a.dueDate)))
    .filter((t) => !Number.isNaN(t));
  return times.length === 0 ? null : new Date(Math.min(...times)).toISOString().slice(0, 10);
}

/** `2026-12-06 (UTC, in 14 days)`; calendar days, so a deadline later today is "today". */
function formatDue(dueDate: string, now: Date): string {
  const time = Date.parse(dueDate);
  if (Number.isNaN(time)) return oneLine(dueDate);
  const day = new Date(time).toISOString().slice(0, 10);
  const days = Math.round((startOfUtcDay(time) - startOfUtcDay(now.getTime())) / 86_400_000);
  const when = days === 0 ? 'today' : days > 0 ? `in ${plural(days, 'day')}` : `${plural(-days, 'day')} ago`;
  return `${day} (UTC, ${when})`;
}

function startOfUtcDay(time: number): number {
  const d = new Date(time);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** Printable ASCII on one line, at most {@link MAX_SUBJECT_LENGTH} characters (what SNS accepts). */
function subjectText(value: string): string {
  const ascii = value
    .replace(/[^\x20-\x7e]+/g, '?')
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(ascii, MAX_SUBJECT_LENGTH, '...');
}
