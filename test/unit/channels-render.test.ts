import { describe, expect, it } from 'vitest';
import { renderDigests, SECURITY_TEAM } from '../../src/channels/digest.js';
import { renderSlack } from '../../src/channels/slack-message.js';
import { notice } from '../e2e/channels-support.js';
import { NOW } from './builders.js';

const OPTIONS = { runId: 'run-1', now: NOW, securityTeamEmail: 'security@corp.example' };
/** What an AWS secret access key looks like: 40 base64 characters. */
const SECRET_SHAPE = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/;

describe('renderDigests', () => {
  it('groups actions into one digest per recipient, owners by address and the security team last', () => {
    const actions = [
      notice({ userName: 'zed', recipient: 'bob@corp.example' }),
      notice({ userName: 'alice', recipient: null }),
      notice({ userName: 'carol', recipient: 'Alice@Corp.Example' }),
      notice({ userName: 'dave', accountId: '210987654321', recipient: 'alice@corp.example' }),
      notice({ userName: 'erin', recipient: 'team-payments' }),
    ];

    const digests = renderDigests(actions, OPTIONS);

    expect(digests.map((d) => [d.recipient, d.actionIds])).toEqual([
      ['alice@corp.example', [actions[2]!.id, actions[3]!.id]],
      ['bob@corp.example', [actions[0]!.id]],
      [SECURITY_TEAM, [actions[1]!.id, actions[4]!.id]],
    ]);
  });

  it('gives the same digests whatever order the actions arrive in, keeping action order inside one', () => {
    const actions = [
      notice({ userName: 'a', recipient: 'bob@corp.example' }),
      notice({ userName: 'b', recipient: 'alice@corp.example' }),
      notice({ userName: 'c', recipient: null }),
    ];

    const forward = renderDigests(actions, OPTIONS);
    const backward = renderDigests([...actions].reverse(), OPTIONS);

    expect(backward.map((d) => d.recipient)).toEqual(forward.map((d) => d.recipient));
    expect(renderDigests(actions, OPTIONS)).toEqual(forward);
  });

  it('sends to the security team, saying why, when the owner tag is missing or not an email address', () => {
    const [digest] = renderDigests(
      [
        notice({ userName: 'svc-a', recipient: null }),
        notice({ userName: 'svc-b', recipient: 'payments team' }),
      ],
      OPTIONS,
    );

    expect(digest?.recipient).toBe(SECURITY_TEAM);
    expect(digest?.text).toContain('for the security team (security@corp.example)');
    expect(digest?.text).toMatch(/Owner: +no owner tag/);
    expect(digest?.text).toContain('owner tag "payments team" is not an email address');
  });

  it('folds an owner whose address is the security team’s into the security team digest', () => {
    const digests = renderDigests(
      [notice({ recipient: 'Security@corp.example' }), notice({ recipient: null })],
      OPTIONS,
    );

    expect(digests.map((d) => [d.recipient, d.actionIds.length])).toEqual([[SECURITY_TEAM, 2]]);
  });

  it('names account, user, key id, what happened, what to do and where to fetch the new key', () => {
    const [digest] = renderDigests([notice()], OPTIONS);

    expect(digest?.text).toContain('Account 123456789012, user alice, access key AKIAAAAAAAAAAAAAAAA1');
    expect(digest?.text).toMatch(/What happened: +A new access key replacing AKIAAAAAAAAAAAAAAAA1/);
    expect(digest?.text).toMatch(/What to do: +Fetch the new key/);
    expect(digest?.text).toContain(
      'aws secretsmanager get-secret-value --secret-id keywarden/123456789012/alice',
    );
  });

  it('names the console password when the notice has no key id, and leaves out what does not apply', () => {
    const [digest] = renderDigests(
      [notice({ accessKeyId: null, stage: 'revoke-unused', dueDate: null, secretName: null })],
      OPTIONS,
    );

    expect(digest?.text).toContain('user alice, console password');
    expect(digest?.text).not.toMatch(/Due:|get-secret-value/);
  });

  it.each([
    ['a deadline at noon', '2026-12-06T12:00:00.000Z', '2026-12-06 (UTC, in 14 days)'],
    ['a deadline late in the UTC day', '2026-12-06T23:59:59.000Z', '2026-12-06 (UTC, in 14 days)'],
    ['a deadline earlier today', '2026-11-22T00:00:00.000Z', '2026-11-22 (UTC, today)'],
    ['a passed deadline', '2026-11-20T18:00:00.000Z', '2026-11-20 (UTC, 2 days ago)'],
  ])('writes %s as a UTC calendar day', (_case, dueDate, expected) => {
    const [digest] = renderDigests([notice({ dueDate })], OPTIONS);

    expect(digest?.sections[0]?.lines.find((l) => l.label === 'Due')?.value).toBe(expected);
    expect(digest?.subject).toContain(`act by ${expected.slice(0, 10)}`);
  });

  it('puts the earliest deadline of several in the subject', () => {
    const [digest] = renderDigests(
      [
        notice({ userName: 'a', dueDate: '2026-12-20T12:00:00.000Z' }),
        notice({ userName: 'b', dueDate: '2026-12-01T12:00:00.000Z' }),
        notice({ userName: 'c', dueDate: null }),
      ],
      OPTIONS,
    );

    expect(digest?.subject).toBe('Keywarden: 3 credential notices for 3 users, act by 2026-12-01');
  });

  it('keeps the subject to 100 printable ASCII characters on one line', () => {
    const longName = `svc-${'x'.repeat(60)}`;
    const digests = renderDigests(
      [
        notice({ userName: longName, recipient: 'ünïcode-owner' }),
        notice({ userName: 'b\nc', recipient: null }),
      ],
      OPTIONS,
    );
    const [single] = renderDigests([notice({ userName: longName })], OPTIONS);

    for (const digest of [...digests, single!]) {
      // SNS refuses a Subject longer than 100 characters.
      expect(digest.subject.length).toBeLessThanOrEqual(100);
      expect(digest.subject).toMatch(/^[\x20-\x7e]+$/);
    }
    expect(single?.subject).toMatch(/^Keywarden: new key ready, act by 2026-12-06 - svc-x+\.\.\.$/);
  });

  it('carries nothing shaped like a secret key, even when free text holds one', () => {
    const leaked = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const actions = [
      notice(),
      notice({ userName: 'bob', recipient: null, happened: `Key rotated; old secret was ${leaked}.` }),
      notice({ userName: 'carol', recipient: `owner ${leaked}` }),
    ];

    const digests = renderDigests(actions, OPTIONS);

    for (const digest of digests) {
      expect(digest.text).not.toContain(leaked);
      expect(digest.text).not.toMatch(SECRET_SHAPE);
      expect(JSON.stringify(renderSlack(digest))).not.toContain(leaked);
    }
    expect(digests.map((d) => d.text).join('\n')).toContain('[redacted]');
  });

  it('keeps a secret name that happens to be 40 characters of base64 readable', () => {
    const userName = 'ServiceAccount1234567';
    const secretName = `keywarden/123456789012/${userName}`.slice(0, 40).padEnd(40, 'A');
    const [digest] = renderDigests(
      [notice({ userName, secretName, happened: `Stored in ${secretName}.` })],
      OPTIONS,
    );

    expect(secretName).toMatch(SECRET_SHAPE);
    expect(digest?.text).toContain(`Stored in ${secretName}.`);
    expect(digest?.text).toContain(`--secret-id ${secretName}`);
  });
});

describe('renderSlack', () => {
  it('lays a digest out as a header and one section per action, with the fetch command as code', () => {
    const [digest] = renderDigests([notice(), notice({ userName: 'bob' })], OPTIONS);

    const message = renderSlack(digest!);
    const blocks = message.blocks as { type: string; text?: { text: string } }[];

    expect(message.text).toContain(digest!.subject);
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: digest!.subject } });
    const sections = blocks.filter((b) => b.type === 'section').map((b) => b.text?.text ?? '');
    expect(sections).toHaveLength(2);
    expect(sections[1]).toContain('*Account 123456789012, user bob, access key AKIAAAAAAAAAAAAAAAA1*');
    expect(sections[1]).toContain(
      '`aws secretsmanager get-secret-value --secret-id keywarden/123456789012/bob`',
    );
  });

  it('escapes owner-controlled text so it cannot mention a channel', () => {
    const [digest] = renderDigests([notice({ recipient: '<!channel> & co' })], OPTIONS);

    const json = JSON.stringify(renderSlack(digest!));

    expect(json).not.toContain('<!channel>');
    expect(json).toContain('&lt;!channel&gt; &amp; co');
  });

  it('stays within Slack’s 50 blocks for a large digest and says how many were left out', () => {
    const actions = Array.from({ length: 120 }, (_, i) => notice({ userName: `user-${i}`, recipient: null }));
    const [digest] = renderDigests(actions, OPTIONS);

    const blocks = renderSlack(digest!).blocks as { type: string }[];

    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(blocks.at(-1))).toContain('75 more notices');
  });
});
