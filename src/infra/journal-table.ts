/**
 * The DynamoDB journal the handlers (and the CLI, with `--journal dynamodb://TABLE`) share: the
 * schema `keywarden journal create` makes, on-demand, with point-in-time recovery. Kept when the
 * stack is deleted: it is the record of every change Keywarden made.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/** The key schema and TTL attribute shared with src/journal (the DynamoDB journal). */
const JOURNAL_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
} as const;

export interface JournalTableProps {
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Refuse deletion of the table in DynamoDB itself. @default false */
  readonly deletionProtection?: boolean;
}

export class JournalTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: JournalTableProps = {}) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: JOURNAL_TABLE_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: JOURNAL_TABLE_SCHEMA.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: JOURNAL_TABLE_SCHEMA.timeToLiveAttribute,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      deletionProtection: props.deletionProtection ?? false,
    });
  }

  /** The journal spec the handlers get (KEYWARDEN_JOURNAL). */
  get spec(): string {
    return `dynamodb://${this.table.tableName}`;
  }
}
