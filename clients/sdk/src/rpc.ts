/**
 * The one place where grpc-js's loosely typed call surface meets typed code. `unary`
 * turns a callback call into a promise and a failed status into a TidelogError:
 *
 *   UNAVAILABLE, CANCELLED    -> TransportError NETWORK_EXCEPTION (no answer; retriable), but a
 *                                TLS handshake refused over a certificate -> SASL_AUTHENTICATION_FAILED
 *   DEADLINE_EXCEEDED         -> TransportError REQUEST_TIMED_OUT (no answer; retriable)
 *   UNAUTHENTICATED           -> SASL_AUTHENTICATION_FAILED when authenticating failed;
 *                                else (a session the broker forgot) TransportError, retriable
 *   UNIMPLEMENTED             -> UNSUPPORTED_VERSION (the broker lacks the method)
 *   RESOURCE_EXHAUSTED        -> MESSAGE_TOO_LARGE (a message passed the size bound)
 *   INVALID_ARGUMENT          -> INVALID_REQUEST
 *   anything else             -> UNKNOWN_SERVER_ERROR
 *
 * Brokers report per-item failures inside responses (ErrorInfo), never as a status, so a
 * failed status always concerns the whole call.
 *
 * A broker past its request limits answers REQUEST_LIMIT_EXCEEDED (retriable) for the
 * whole request, which it did not start, so sending it again is always safe. `unary`
 * (the Admin and Group calls) does that itself, after a jittered backoff and inside the
 * call's deadline, and hands over the last refusal when the deadline comes first; the
 * Broker calls (`startUnary`) leave it to their callers, which already retry retriable
 * per-partition errors with a backoff (the producer, the fetcher, InitProducerId).
 */
import { setTimeout as sleepMs } from "node:timers/promises";
import * as grpc from "@grpc/grpc-js";
import { TransportError } from "./client-errors.js";
import { ERRORS, type ErrorName, TidelogError } from "./errors.js";
import type * as wire from "./protocol/messages.js";
import { backoffMs, type RetryOptions } from "./retry.js";
import { saslFailureFromStatus } from "./sasl-session.js";

/** Backoff between sends of a request a broker refused for its request limits (bounded by the call's deadline). */
const REFUSAL_BACKOFF: RetryOptions = { retries: Number.POSITIVE_INFINITY, initialBackoffMs: 50, maxBackoffMs: 1000 };
const REQUEST_LIMIT_EXCEEDED = ERRORS.REQUEST_LIMIT_EXCEEDED.code;

export interface CallOptions {
  readonly address: string;
  readonly deadlineMs: number;
  readonly metadata: grpc.Metadata;
}

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: grpc.requestCallback<Res>,
) => grpc.ClientUnaryCall;

const STATUS_ERRORS: ReadonlyMap<grpc.status, ErrorName> = new Map([
  [grpc.status.UNIMPLEMENTED, "UNSUPPORTED_VERSION"],
  [grpc.status.RESOURCE_EXHAUSTED, "MESSAGE_TOO_LARGE"],
  [grpc.status.INVALID_ARGUMENT, "INVALID_REQUEST"],
]);

/**
 * What a failed TLS handshake means, from OpenSSL's words in grpc-js's details, or null
 * for anything else. A certificate problem does not pass with a retry: it is an
 * authentication failure (as Kafka's SslAuthenticationException), said plainly, not a
 * network error retried until the deadline.
 */
const TLS_REFUSALS: readonly [RegExp, string][] = [
  [
    /alert certificate required/,
    "the broker requires a client certificate (ssl.cert and ssl.key; the CLI's --ssl-cert and --ssl-key)",
  ],
  [
    /alert (unknown ca|bad certificate|certificate unknown|unsupported certificate|access denied)/,
    "the broker does not accept this client certificate (signed by a CA it does not trust, or not made for client use)",
  ],
  [/certificate (has )?expired|alert certificate expired/, "a certificate has expired"],
  [/alert certificate revoked/, "the broker has revoked this client certificate"],
  [
    /self[- ]signed certificate|unable to verify the first certificate|unable to get local issuer certificate|certificate verify failed/,
    "the broker's certificate is not signed by a CA this client trusts (ssl.ca; the CLI's --ssl-ca)",
  ],
  [
    /Hostname\/IP does not match|ERR_TLS_CERT_ALTNAME_INVALID|does not match certificate's altnames/,
    "the broker's certificate does not name the address connected to (ssl.checkHostname: false skips that check)",
  ],
];

function tlsRefusal(details: string): string | null {
  for (const [pattern, meaning] of TLS_REFUSALS) if (pattern.test(details)) return meaning;
  return null;
}

/** The TidelogError for a failed gRPC status from `address`. */
export function errorFromStatus(e: grpc.ServiceError, address: string, method: string): TidelogError {
  const statusName = grpc.status[e.code] ?? String(e.code);
  if (e.code === grpc.status.UNAVAILABLE || e.code === grpc.status.CANCELLED) {
    const tls = tlsRefusal(e.details);
    if (tls)
      return new TidelogError("SASL_AUTHENTICATION_FAILED", `${address}: TLS handshake failed: ${tls}`, { cause: e });
    return new TransportError("NETWORK_EXCEPTION", address, statusName, e.details, { cause: e });
  }
  if (e.code === grpc.status.DEADLINE_EXCEEDED) {
    return new TransportError("REQUEST_TIMED_OUT", address, statusName, e.details, { cause: e });
  }
  if (e.code === grpc.status.UNAUTHENTICATED) {
    // Authenticating failed (a wrong password): the answer. Else the broker no longer
    // knows the session (sasl-session.ts has forgotten it): the retry authenticates again.
    return (
      saslFailureFromStatus(e.details) ??
      new TransportError("NETWORK_EXCEPTION", address, statusName, e.details, { cause: e })
    );
  }
  const name = STATUS_ERRORS.get(e.code) ?? "UNKNOWN_SERVER_ERROR";
  return new TidelogError(name, `${address} failed ${method} (gRPC ${statusName}: ${e.details})`, { cause: e });
}

/** A unary call in progress: its answer, and a way to abandon it (the answer then rejects as CANCELLED). */
export interface PendingCall<Res> {
  readonly response: Promise<Res>;
  cancel(): void;
}

/** One unary call of `method` on `stub`, with a deadline, that the caller may cancel. */
export function startUnary<Req, Res>(
  stub: grpc.Client,
  method: string,
  request: Req,
  options: CallOptions,
): PendingCall<Res> {
  let call: grpc.ClientUnaryCall | null = null;
  const response = new Promise<Res>((resolve, reject) => {
    const fn = Reflect.get(stub, method) as UnaryMethod<Req, Res> | undefined;
    if (typeof fn !== "function") throw new Error(`gRPC stub has no method ${method}`);
    call = fn.call(stub, request, options.metadata, { deadline: options.deadlineMs }, (error, answer) => {
      if (error) reject(errorFromStatus(error, options.address, method));
      else if (answer === undefined) reject(new TidelogError("UNKNOWN_SERVER_ERROR", `empty ${method} response`));
      else resolve(answer);
    });
  });
  return { response, cancel: () => call?.cancel() };
}

/** One unary call of `method` on `stub`, with a deadline; sent again while the broker refuses it for its request limits. */
export async function unary<Req, Res>(
  stub: grpc.Client,
  method: string,
  request: Req,
  options: CallOptions,
): Promise<Res> {
  for (let attempt = 1; ; attempt++) {
    const answer = await startUnary<Req, Res>(stub, method, request, options).response;
    if (!refusedForLimits(answer)) return answer;
    const waitMs = backoffMs(attempt, REFUSAL_BACKOFF, Math.random);
    if (Date.now() + waitMs >= options.deadlineMs) return answer;
    await sleepMs(waitMs);
  }
}

interface ErrorCarrier {
  readonly error?: { readonly code?: number } | null;
}

/**
 * Whether a broker refused the whole request for its request limits. A refusal carries the
 * code on the answer's own `error`, or on its first item (`topics`, `results`, `groups`)
 * when the answer has only per-item errors; no other answer carries the code.
 */
export function refusedForLimits(answer: unknown): boolean {
  if (typeof answer !== "object" || answer === null) return false;
  const a = answer as ErrorCarrier & { topics?: unknown; results?: unknown; groups?: unknown };
  if (a.error?.code === REQUEST_LIMIT_EXCEEDED) return true;
  for (const list of [a.topics, a.results, a.groups]) {
    if (Array.isArray(list) && (list[0] as ErrorCarrier | undefined)?.error?.code === REQUEST_LIMIT_EXCEEDED)
      return true;
  }
  return false;
}

/** The Admin service's methods, with the request and response shapes the loader produces. */
export interface AdminRpcs {
  describeCluster: [wire.DescribeClusterRequest, wire.DescribeClusterResponse__Output];
  listTopics: [wire.ListTopicsRequest, wire.ListTopicsResponse__Output];
  describeTopics: [wire.DescribeTopicsRequest, wire.DescribeTopicsResponse__Output];
  createTopics: [wire.CreateTopicsRequest, wire.CreateTopicsResponse__Output];
  deleteTopics: [wire.DeleteTopicsRequest, wire.DeleteTopicsResponse__Output];
  createPartitions: [wire.CreatePartitionsRequest, wire.CreatePartitionsResponse__Output];
  describeConfigs: [wire.DescribeConfigsRequest, wire.DescribeConfigsResponse__Output];
  alterConfigs: [wire.AlterConfigsRequest, wire.AlterConfigsResponse__Output];
  electLeaders: [wire.ElectLeadersRequest, wire.ElectLeadersResponse__Output];
  alterPartitionReassignments: [
    wire.AlterPartitionReassignmentsRequest,
    wire.AlterPartitionReassignmentsResponse__Output,
  ];
  listPartitionReassignments: [wire.ListPartitionReassignmentsRequest, wire.ListPartitionReassignmentsResponse__Output];
  describeLogDirs: [wire.DescribeLogDirsRequest, wire.DescribeLogDirsResponse__Output];
  createAcls: [wire.CreateAclsRequest, wire.CreateAclsResponse__Output];
  deleteAcls: [wire.DeleteAclsRequest, wire.DeleteAclsResponse__Output];
  describeAcls: [wire.DescribeAclsRequest, wire.DescribeAclsResponse__Output];
  describeClientQuotas: [wire.DescribeClientQuotasRequest, wire.DescribeClientQuotasResponse__Output];
  alterClientQuotas: [wire.AlterClientQuotasRequest, wire.AlterClientQuotasResponse__Output];
  alterUserScramCredentials: [wire.AlterUserScramCredentialsRequest, wire.AlterUserScramCredentialsResponse__Output];
  describeUserScramCredentials: [
    wire.DescribeUserScramCredentialsRequest,
    wire.DescribeUserScramCredentialsResponse__Output,
  ];
}

export function callAdmin<M extends keyof AdminRpcs>(
  stub: wire.AdminClient,
  method: M,
  request: AdminRpcs[M][0],
  options: CallOptions,
): Promise<AdminRpcs[M][1]> {
  return unary<AdminRpcs[M][0], AdminRpcs[M][1]>(stub, method, request, options);
}

/** The Broker service's unary methods (the data plane), with the shapes the loader produces. */
export interface BrokerRpcs {
  metadata: [wire.MetadataRequest, wire.MetadataResponse__Output];
  produce: [wire.ProduceRequest, wire.ProduceResponse__Output];
  fetch: [wire.FetchRequest, wire.FetchResponse__Output];
  listOffsets: [wire.ListOffsetsRequest, wire.ListOffsetsResponse__Output];
  initProducerId: [wire.InitProducerIdRequest, wire.InitProducerIdResponse__Output];
  describeProducers: [wire.DescribeProducersRequest, wire.DescribeProducersResponse__Output];
  abortPartitionTransaction: [wire.AbortPartitionTransactionRequest, wire.AbortPartitionTransactionResponse__Output];
  deleteRecords: [wire.DeleteRecordsRequest, wire.DeleteRecordsResponse__Output];
}

export function callBroker<M extends keyof BrokerRpcs>(
  stub: wire.BrokerClient,
  method: M,
  request: BrokerRpcs[M][0],
  options: CallOptions,
): PendingCall<BrokerRpcs[M][1]> {
  return startUnary<BrokerRpcs[M][0], BrokerRpcs[M][1]>(stub, method, request, options);
}

/** The Group service's methods, with the shapes the loader produces. */
export interface GroupRpcs {
  findCoordinator: [wire.FindCoordinatorRequest, wire.FindCoordinatorResponse__Output];
  heartbeat: [wire.GroupHeartbeatRequest, wire.GroupHeartbeatResponse__Output];
  offsetCommit: [wire.OffsetCommitRequest, wire.OffsetCommitResponse__Output];
  txnOffsetCommit: [wire.TxnOffsetCommitRequest, wire.OffsetCommitResponse__Output];
  offsetFetch: [wire.OffsetFetchRequest, wire.OffsetFetchResponse__Output];
  listGroups: [wire.ListGroupsRequest, wire.ListGroupsResponse__Output];
  describeGroups: [wire.DescribeGroupsRequest, wire.DescribeGroupsResponse__Output];
  deleteGroups: [wire.DeleteGroupsRequest, wire.DeleteGroupsResponse__Output];
}

export function callGroup<M extends keyof GroupRpcs>(
  stub: wire.GroupClient,
  method: M,
  request: GroupRpcs[M][0],
  options: CallOptions,
): Promise<GroupRpcs[M][1]> {
  return unary<GroupRpcs[M][0], GroupRpcs[M][1]>(stub, method, request, options);
}

/** The Transaction service's methods, with the shapes the loader produces. */
export interface TransactionRpcs {
  findTransactionCoordinator: [wire.FindTransactionCoordinatorRequest, wire.FindTransactionCoordinatorResponse__Output];
  addPartitionsToTxn: [wire.AddPartitionsToTxnRequest, wire.AddPartitionsToTxnResponse__Output];
  addOffsetsToTxn: [wire.AddOffsetsToTxnRequest, wire.AddOffsetsToTxnResponse__Output];
  endTxn: [wire.EndTxnRequest, wire.EndTxnResponse__Output];
  listTransactions: [wire.ListTransactionsRequest, wire.ListTransactionsResponse__Output];
  describeTransactions: [wire.DescribeTransactionsRequest, wire.DescribeTransactionsResponse__Output];
  abortTransaction: [wire.AbortTransactionRequest, wire.AbortTransactionResponse__Output];
}

export function callTransaction<M extends keyof TransactionRpcs>(
  stub: wire.TransactionClient,
  method: M,
  request: TransactionRpcs[M][0],
  options: CallOptions,
): Promise<TransactionRpcs[M][1]> {
  return unary<TransactionRpcs[M][0], TransactionRpcs[M][1]>(stub, method, request, options);
}

/** A ProduceStream call: requests go out, responses come back in request order. */
export type ProduceStreamCall = grpc.ClientDuplexStream<wire.ProduceRequest, wire.ProduceResponse__Output>;

/** Opens Broker.ProduceStream on `stub`; it lives until ended or cancelled (no deadline: each request is timed by the producer). */
export function openProduceStream(stub: wire.BrokerClient, metadata: grpc.Metadata): ProduceStreamCall {
  return stub.produceStream(metadata);
}
