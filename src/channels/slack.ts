/**
 * Slack: one incoming-webhook POST per digest. The webhook URL is a credential (anyone holding it
 * can post), so it is read at delivery time from an environment variable or an SSM SecureString,
 * never from the policy, and never appears in an error or log line.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { GetParameterCommand, type GetParameterCommandOutput, type SSMClient } from '@aws-sdk/client-ssm';
import { AwsErrorCode, callAws, errorLine, orNullWhenMissing } from '../sdk/errors.js';
import type { Digest } from './digest.js';
import { renderSlack } from './slack-message.js';
import type { DigestChannel, NotificationDelivery } from './types.js';

/** A webhook that does not answer within this long is reported failed; the run goes on. */
const SLACK_TIMEOUT_MS = 10_000;
/** Slack allows about one message a second per webhook and answers 429 with Retry-After. */
const MAX_ATTEMPTS = 3;
const MAX_RETRY_AFTER_MS = 30_000;
const MAX_DETAIL_LENGTH = 200;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface SlackChannelProps {
  /** Exactly one of the two sources is set (the policy schema enforces it). */
  readonly webhookUrlEnv: string | null;
  readonly webhookUrlSsmParameter: string | null;
  readonly env: NodeJS.ProcessEnv;
  /** Built on first use, only when the URL comes from SSM. */
  readonly ssm: () => SSMClient;
  readonly fetch: typeof fetch;
}

type Resolved =
  | { readonly url: string; readonly error?: never }
  | { readonly url?: never; readonly error: string };

export function slackChannel(props: SlackChannelProps): DigestChannel {
  return {
    name: 'slack',
    async deliverAll(digests) {
      if (digests.length === 0) return [];
      const resolved = await resolveWebhookUrl(props);
      const deliveries: NotificationDelivery[] = [];
      for (const digest of digests) {
        deliveries.push(
          resolved.error !== undefined
            ? failed(digest, resolved.error)
            : await post(props.fetch, resolved.url, digest),
        );
      }
      return deliveries;
    },
  };
}

/** Reads the webhook URL once per delivery run; a problem fails every Slack delivery of the run. */
async function resolveWebhookUrl(props: SlackChannelProps): Promise<Resolved> {
  const unavailable = (why: string): Resolved => ({ error: `Slack webhook URL unavailable: ${why}` });
  let source: string;
  let value: string | undefined;
  if (props.webhookUrlEnv !== null) {
    source = `environment variable ${props.webhookUrlEnv}`;
    value = props.env[props.webhookUrlEnv]?.trim();
    if (!value) return unavailable(`${source} is not set; export the incoming webhook URL in it`);
  } else if (props.webhookUrlSsmParameter !== null) {
    const name = props.webhookUrlSsmParameter;
    source = `SSM parameter ${name}`;
    let out: GetParameterCommandOutput | null;
    try {
      out = await orNullWhenMissing(AwsErrorCode.ParameterNotFound, () =>
        callAws('ssm:GetParameter', name, () =>
          props.ssm().send(new GetParameterCommand({ Name: name, WithDecryption: true })),
        ),
      );
    } catch (error) {
      return unavailable(errorLine(error));
    }
    if (out === null) {
      return unavailable(`${source} does not exist; store the incoming webhook URL in it as a SecureString`);
    }
    value = out.Parameter?.Value?.trim();
    if (!value) return unavailable(`${source} is empty; store the incoming webhook URL in it`);
  } else {
    return unavailable(
      'the policy names neither notifications.slack.webhookUrlEnv nor webhookUrlSsmParameter',
    );
  }
  if (!isAcceptableUrl(value)) {
    return unavailable(
      `the value of ${source} is not an https URL (not shown: it is a secret); ` +
        'store the incoming webhook URL, e.g. https://hooks.slack.com/services/...',
    );
  }
  return { url: value };
}

/** https, or plain http to this machine only (a local receiver in tests or a relay sidecar). */
function isAcceptableUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

async function post(fetchFn: typeof fetch, url: string, digest: Digest): Promise<NotificationDelivery> {
  const body = JSON.stringify(renderSlack(digest));
  try {
    for (let attempt = 1; ; attempt++) {
      const response = await fetchFn(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(SLACK_TIMEOUT_MS),
      });
      const detail = oneLine(await response.text().catch(() => '')).slice(0, MAX_DETAIL_LENGTH);
      if (response.ok) {
        return { ...baseOf(digest), status: 'sent', messageId: null, error: null };
      }
      if (response.status === 429 && attempt < MAX_ATTEMPTS) {
        await sleep(retryAfterMs(response.headers.get('retry-after')));
        continue;
      }
      const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      return failed(digest, redact(`Slack webhook answered ${status}${detail ? `: ${detail}` : ''}`, url));
    }
  } catch (error) {
    return failed(digest, redact(`Slack webhook POST failed: ${describeFetchError(error)}`, url));
  }
}

function baseOf(digest: Digest) {
  return { actionIds: digest.actionIds, channel: 'slack', recipient: 'slack' } as const;
}

function failed(digest: Digest, error: string): NotificationDelivery {
  return { ...baseOf(digest), status: 'failed', messageId: null, error };
}

function retryAfterMs(header: string | null): number {
  const seconds = header === null ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : 1000;
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${SLACK_TIMEOUT_MS / 1000} s`;
  }
  const message = error instanceof Error ? error.message : String(error);
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const reason =
    typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : null;
  return oneLine(reason === null ? message : `${message} (${reason})`);
}

/** Removes the webhook URL and its secret path from a message, whatever the library put in it. */
function redact(message: string, url: string): string {
  const secrets = [url];
  try {
    const parsed = new URL(url);
    secrets.push(parsed.href);
    if (parsed.pathname.length > 1) secrets.push(`${parsed.pathname}${parsed.search}`, parsed.pathname);
  } catch {
    // An unparseable URL never reaches fetch; the raw string is still removed.
  }
  let out = message;
  for (const secret of secrets) out = out.split(secret).join('[webhook URL redacted]');
  return out;
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}
