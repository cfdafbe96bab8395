import type { AccountState, EmulatorState, Principal } from '../state.js';

/** Everything a service operation may look at: the signing account's state, the caller, the clock. */
export interface RequestContext {
  readonly state: EmulatorState;
  readonly account: AccountState;
  readonly principal: Principal;
  readonly region: string;
  readonly requestId: string;
  readonly now: Date;
}

/** Query-protocol parameters exactly as sent: flat names such as `Tags.member.1.Key`. */
export type QueryParams = Readonly<Record<string, string>>;

/** An XML value: objects become elements, arrays `<member>` lists, Maps `<entry><key/><value/></entry>` lists, Dates RFC 3339. */
export type XmlValue =
  | string
  | number
  | boolean
  | Date
  | null
  | undefined
  | readonly XmlValue[]
  | ReadonlyMap<string, XmlValue>
  | XmlObject;
export interface XmlObject {
  readonly [key: string]: XmlValue;
}

/** Returns the content of `<ActionResult>`, or undefined for operations that return no result element. */
export type QueryOperation = (ctx: RequestContext, params: QueryParams) => XmlObject | undefined;

type JsonOperation = (ctx: RequestContext, input: Readonly<Record<string, unknown>>) => unknown;

type RestJsonOperation = (ctx: RequestContext, input: Readonly<Record<string, unknown>>) => unknown;

export interface QueryService {
  readonly protocol: 'query';
  /** The SigV4 signing name, e.g. `iam`. */
  readonly signingName: string;
  readonly xmlns: string;
  readonly operations: Readonly<Record<string, QueryOperation>>;
}

export interface JsonService {
  readonly protocol: 'json';
  readonly signingName: string;
  /** X-Amz-Target prefix, e.g. `AmazonSSM`. */
  readonly targetPrefix: string;
  readonly operations: Readonly<Record<string, JsonOperation>>;
}

interface RestJsonRoute {
  readonly method: string;
  /** Path such as `/v2/email/outbound-emails`. */
  readonly path: string;
  readonly operation: string;
  readonly handler: RestJsonOperation;
}

export interface RestJsonService {
  readonly protocol: 'rest-json';
  readonly signingName: string;
  readonly routes: readonly RestJsonRoute[];
}

export type ServiceDefinition = QueryService | JsonService | RestJsonService;
