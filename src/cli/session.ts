/**
 * What one CLI invocation shares between its command and the error boundary in main.ts: the AWS
 * connection in use (so a failure can name the endpoint or profile), and the seams a test or an
 * embedding program may replace.
 */
import { type AwsConnection, connectAccount } from '../engine/connect.js';
import { type Journal, type JournalSpec, type OpenJournalOptions, openJournal } from '../engine/journal.js';
import type { AccountClients } from '../engine/types.js';

export interface CliSeams {
  /** Opens the journal a command names (default: {@link openJournal}: a file, or DynamoDB). */
  readonly openJournal?: (spec: JournalSpec, options: OpenJournalOptions) => Journal;
}

export interface Session {
  /** Set by a command once it knows how it reaches AWS. */
  connection: AwsConnection | null;
  readonly seams: CliSeams;
}

export function newSession(seams: CliSeams = {}): Session {
  return { connection: null, seams };
}

export function openJournalAt(session: Session, spec: JournalSpec, options: OpenJournalOptions): Journal {
  return (session.seams.openJournal ?? openJournal)(spec, options);
}

export interface Connected extends AccountClients {
  /** The service's time, from the Date header of every response these clients receive. */
  readonly serviceNow: () => Date;
  /** Sets the service clock from one cheap call when no response has set it yet. */
  calibrate(): Promise<void>;
  /** Releases the clients' sockets. */
  close(): void;
}

/** The account's clients for `connection`, each reporting the service's time. */
export function connect(session: Session, connection: AwsConnection): Connected {
  session.connection = connection;
  const { clients, clock, calibrate, close } = connectAccount(connection);
  const { iam, sts, ssm, secretsManager } = clients;
  return { iam, sts, ssm, secretsManager, serviceNow: clock, calibrate, close };
}
