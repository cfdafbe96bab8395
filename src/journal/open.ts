/**
 * Picks and opens a journal from its location as written (`--journal`, `KEYWARDEN_JOURNAL`, the
 * policy's `journal.location`, a Lambda's environment): a file path, or `dynamodb://TABLE`. Every
 * journal is opened here, through the engine: the CLI's (src/engine/journal.ts) and the Lambda
 * handlers' (src/engine/handler-deps.ts).
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DEFAULT_LEASE_SECONDS, type JournalSpec, parseJournalSpec } from '../core/policy/journal.js';
import { observeCalls } from '../sdk/clients.js';
import type { AwsConnection } from '../sdk/connection.js';
import { openDynamoJournal } from './dynamodb/journal.js';
import { openFileJournal } from './file-journal.js';
import { type Journal, JournalError } from './journal.js';

export type { JournalSpec } from '../core/policy/journal.js';

/** A journal location that is neither a path nor `dynamodb://TABLE`. */
class JournalSpecError extends JournalError {
  override readonly name = 'JournalSpecError';
}

/**
 * Parses a journal location, or throws a {@link JournalSpecError} whose one line names `field`
 * (`--journal`, `KEYWARDEN_JOURNAL`, ...), shows the value and says what is expected.
 */
export function parseJournalLocation(raw: string, field: string): JournalSpec {
  const parsed = parseJournalSpec(raw);
  if ('error' in parsed) {
    throw new JournalSpecError(`${field}: ${parsed.error} (got ${JSON.stringify(raw)})`);
  }
  return parsed.spec;
}

export interface OpenJournalOptions {
  /** The DynamoDB client's region, credentials and endpoint; unused for a file. */
  readonly clientConfig?: DynamoDBClientConfig;
  /** Told of every call of the DynamoDB client built here (`keywarden --verbose`). */
  readonly onCall?: AwsConnection['onCall'];
  /** A DynamoDB client to use instead of building one (it is not destroyed by `close()`). */
  readonly dynamodb?: DynamoDBClient;
  /** How long a run's lease on an account holds unless renewed (default 900). */
  readonly leaseSeconds?: number;
}

/** Opens the journal `spec` names. A file path should be absolute (it is used as given). */
export function openJournal(spec: JournalSpec, options: OpenJournalOptions = {}): Journal {
  switch (spec.kind) {
    case 'file':
      return openFileJournal(spec.path);
    case 'dynamodb':
      return openDynamoJournal({
        tableName: spec.tableName,
        client:
          options.dynamodb ??
          observeCalls(
            new DynamoDBClient(options.clientConfig ?? {}),
            options.onCall === undefined ? {} : { onCall: options.onCall },
          ),
        ownsClient: options.dynamodb === undefined,
        leaseSeconds: options.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
      });
    default:
      return spec satisfies never;
  }
}
