/**
 * The one place where grpc-js's loosely typed call surface meets typed code. `unary`
 * turns a callback call into a promise and a failed status into a TidelogError:
 *
 *   UNAVAILABLE, CANCELLED    -> TransportError NETWORK_EXCEPTION (no answer; retriable)
 *   DEADLINE_EXCEEDED         -> TransportError REQUEST_TIMED_OUT (no answer; retriable)
 *   UNIMPLEMENTED             -> UNSUPPORTED_VERSION (the broker lacks the method)
 *   RESOURCE_EXHAUSTED        -> MESSAGE_TOO_LARGE (a message passed the size bound)
 *   INVALID_ARGUMENT          -> INVALID_REQUEST
 *   anything else             -> UNKNOWN_SERVER_ERROR
 *
 * Brokers report per-item failures inside responses (ErrorInfo), never as a status, so a
 * failed status always concerns the whole call.
 */
import * as grpc from "@grpc/grpc-js";
import { TransportError } from "./client-errors.js";
import { type ErrorName, TidelogError } from "./errors.js";
import type * as wire from "./protocol/messages.js";

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

/** The TidelogError for a failed gRPC status from `address`. */
export function errorFromStatus(e: grpc.ServiceError, address: string, method: string): TidelogError {
  const statusName = grpc.status[e.code] ?? String(e.code);
  if (e.code === grpc.status.UNAVAILABLE || e.code === grpc.status.CANCELLED) {
    return new TransportError("NETWORK_EXCEPTION", address, statusName, e.details, { cause: e });
  }
  if (e.code === grpc.status.DEADLINE_EXCEEDED) {
    return new TransportError("REQUEST_TIMED_OUT", address, statusName, e.details, { cause: e });
  }
  const name = STATUS_ERRORS.get(e.code) ?? "UNKNOWN_SERVER_ERROR";
  return new TidelogError(name, `${address} failed ${method} (gRPC ${statusName}: ${e.details})`, { cause: e });
}

/** One unary call of `method` on `stub`, with a deadline. */
export function unary<Req, Res>(stub: grpc.Client, method: string, request: Req, options: CallOptions): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    const fn = Reflect.get(stub, method) as UnaryMethod<Req, Res> | undefined;
    if (typeof fn !== "function") throw new Error(`gRPC stub has no method ${method}`);
    fn.call(stub, request, options.metadata, { deadline: options.deadlineMs }, (error, response) => {
      if (error) reject(errorFromStatus(error, options.address, method));
      else if (response === undefined) reject(new TidelogError("UNKNOWN_SERVER_ERROR", `empty ${method} response`));
      else resolve(response);
    });
  });
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
}

export function callAdmin<M extends keyof AdminRpcs>(
  stub: wire.AdminClient,
  method: M,
  request: AdminRpcs[M][0],
  options: CallOptions,
): Promise<AdminRpcs[M][1]> {
  return unary<AdminRpcs[M][0], AdminRpcs[M][1]>(stub, method, request, options);
}
