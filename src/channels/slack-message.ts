/**
 * A digest as a Slack incoming-webhook payload, pure: a header, who it is for, and one section per
 * action, with the same words as the plain-text digest. Every value is escaped for Slack's mrkdwn.
 */
import { audience, type Digest, type DigestSection } from './digest.js';
import { plural, truncate } from './text.js';

/** Slack's incoming-webhook message: `text` is the notification fallback, `blocks` the layout. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks?: unknown[];
}

/**
 * The Slack payload for one digest: a header, who it is for, and one section per action. Every
 * value is escaped, so an owner tag such as `<!channel>` cannot ping a whole channel.
 */
export function renderSlack(digest: Digest): SlackMessage {
  const shown = digest.sections.slice(0, MAX_SLACK_SECTIONS);
  const hidden = digest.sections.length - shown.length;
  const blocks: unknown[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(digest.subject, SLACK_HEADER_LENGTH), emoji: false },
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `For *${slackEscape(audience(digest.recipient))}*: ${plural(digest.sections.length, 'notice')}`,
        },
      ],
    },
    { type: 'divider' },
    ...shown.map((section) => ({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(slackSection(section), SLACK_SECTION_LENGTH) },
    })),
  ];
  if (hidden > 0) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `…and ${plural(hidden, 'more notice')}, listed in the email and SNS digests and the run journal.`,
        },
      ],
    });
  }
  return { text: slackEscape(`${digest.subject} (for ${audience(digest.recipient)})`), blocks };
}

/** Slack allows 50 blocks: header, context, divider, sections and one overflow line fit. */
const MAX_SLACK_SECTIONS = 45;
const SLACK_HEADER_LENGTH = 150;
const SLACK_SECTION_LENGTH = 3000;
function slackSection(section: DigestSection): string {
  const lines = section.lines.map(
    (l) => `*${slackEscape(l.label)}:* ${l.command ? `\`${slackEscape(l.value)}\`` : slackEscape(l.value)}`,
  );
  return [`*${slackEscape(section.heading)}*`, ...lines].join('\n');
}

function slackEscape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
