/**
 * SES v2 over REST-JSON: SendEmail, stored in the sender's account (`GET /_keywarden/ses/emails`).
 * Every identity counts as verified and the account is out of the sandbox.
 */
import { AwsServiceError } from '../errors.js';
import type { RequestContext, RestJsonService } from './types.js';

type Input = Readonly<Record<string, unknown>>;

const MAX_RECIPIENTS = 50;

function badRequest(message: string): AwsServiceError {
  return new AwsServiceError('BadRequestException', message);
}

function record(value: unknown): Input | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Input) : undefined;
}

function addresses(destination: Input | undefined, field: string): string[] {
  const raw = destination?.[field];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || raw.some((a) => typeof a !== 'string' || !a.includes('@'))) {
    throw badRequest(`Destination.${field} must be a list of email addresses; got ${JSON.stringify(raw)}.`);
  }
  return raw as string[];
}

/** Pulls the Subject and From headers and the body out of a raw MIME message (enough for the record). */
function parseRaw(data: string): { from: string | null; subject: string; body: string } {
  const text = Buffer.from(data, 'base64').toString('utf8');
  const split = text.search(/\r?\n\r?\n/);
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? '' : text.slice(split).replace(/^\r?\n\r?\n/, '');
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim();
  return { from: header('From') ?? null, subject: header('Subject') ?? '', body };
}

function messageId(ctx: RequestContext): string {
  const rng = ctx.state.rng;
  const hex = (n: number) => rng.chars('0123456789abcdef', n);
  return `0100${hex(12)}-${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}-000000`;
}

function sendEmail(ctx: RequestContext, input: Input): unknown {
  const destination = record(input.Destination);
  const to = addresses(destination, 'ToAddresses');
  const recipients =
    to.length + addresses(destination, 'CcAddresses').length + addresses(destination, 'BccAddresses').length;
  if (recipients === 0)
    throw badRequest('Missing required parameter: Destination needs at least one address.');
  if (recipients > MAX_RECIPIENTS) {
    throw new AwsServiceError(
      'MessageRejected',
      `Recipient count exceeds ${MAX_RECIPIENTS}: got ${recipients}. Send to fewer recipients per message.`,
    );
  }
  const content = record(input.Content);
  const simple = record(content?.Simple);
  const raw = record(content?.Raw);
  const template = record(content?.Template);
  if ([simple, raw, template].filter((c) => c !== undefined).length !== 1) {
    throw badRequest('Content must contain exactly one of Simple, Raw or Template.');
  }
  const fromAddress = typeof input.FromEmailAddress === 'string' ? input.FromEmailAddress : null;

  let sent: { from: string | null; subject: string; body: string };
  if (simple) {
    const subject = record(simple.Subject)?.Data;
    const body = record(simple.Body);
    const text = record(body?.Text)?.Data ?? record(body?.Html)?.Data;
    if (typeof subject !== 'string')
      throw badRequest('Missing required parameter: Content.Simple.Subject.Data.');
    if (typeof text !== 'string')
      throw badRequest('Missing required parameter: Content.Simple.Body.Text or Html.');
    sent = { from: fromAddress, subject, body: text };
  } else if (raw) {
    if (typeof raw.Data !== 'string') throw badRequest('Missing required parameter: Content.Raw.Data.');
    const parsed = parseRaw(raw.Data);
    sent = { ...parsed, from: fromAddress ?? parsed.from };
  } else {
    // No templates exist in the emulator, so every template name is unknown, as it would be in AWS.
    const name = template?.TemplateName;
    throw new AwsServiceError(
      'NotFoundException',
      `Template ${String(name ?? '(none)')} does not exist.`,
      404,
    );
  }
  if (!sent.from) throw badRequest('Missing required parameter: FromEmailAddress.');

  const id = messageId(ctx);
  ctx.account.ses.sent.push({
    messageId: id,
    from: sent.from,
    to,
    subject: sent.subject,
    body: sent.body,
    sentAt: ctx.now,
  });
  return { MessageId: id };
}

export const sesService: RestJsonService = {
  protocol: 'rest-json',
  signingName: 'ses',
  routes: [{ method: 'POST', path: '/v2/email/outbound-emails', operation: 'SendEmail', handler: sendEmail }],
};
