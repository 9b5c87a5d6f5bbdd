/**
 * Loading tidelog's gRPC API (proto/tidelog/v1) with @grpc/proto-loader, shared by the
 * clients and the broker so both read the wire the same way.
 *
 * Loader options fix how messages look in JavaScript: camelCase fields, int64 as
 * numbers (offsets and epochs are asserted safe integers), enums as strings, defaults
 * filled in, `bytes` as Buffer. The generated types in ./generated (npm run proto)
 * describe exactly these shapes.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { ERRORS, type ErrorName, TidelogError } from "../errors.js";
import type { ProtoGrpcType as AdminProto } from "./generated/admin.js";
import type { ProtoGrpcType as BrokerProto } from "./generated/broker.js";
import type { ProtoGrpcType as GroupProto } from "./generated/group.js";
import type { ErrorInfo__Output } from "./generated/tidelog/v1/ErrorInfo.js";
import type { ProtoGrpcType as TxnProto } from "./generated/txn.js";

/**
 * Where the .proto files are: `proto/` at the repository root, for the SDK used from this
 * repository, else the package's own copy (`proto/` beside `dist/`, put there when the
 * package is packed, so an installed SDK carries them). The same relative depth from
 * src/protocol and dist/protocol. The repository comes first: inside it the package's
 * copy exists only while `npm pack` runs, and a process that chose it then found it
 * deleted by the pack's end (two test files at once, one of them packing the SDK).
 */
export const PROTO_ROOT = protoRoot();

function protoRoot(): string {
  const repository = fileURLToPath(new URL("../../../../proto", import.meta.url));
  if (existsSync(`${repository}/tidelog/v1/broker.proto`)) return repository;
  return fileURLToPath(new URL("../../proto", import.meta.url));
}

export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

/** Every service and message of tidelog.v1, as grpc-js constructors and definitions. */
export type TidelogProto = AdminProto & BrokerProto & GroupProto & TxnProto;

/**
 * `adjust` may change the loaded definition before grpc-js reads it: the broker swaps in
 * its own codec for the replication stream (src/replication/replica-fetch-codec.ts).
 */
export function loadTidelogProto(
  grpcModule: typeof grpc,
  adjust?: (definition: protoLoader.PackageDefinition) => void,
): TidelogProto {
  const definition = protoLoader.loadSync(
    ["tidelog/v1/admin.proto", "tidelog/v1/broker.proto", "tidelog/v1/group.proto", "tidelog/v1/txn.proto"],
    LOADER_OPTIONS,
  );
  adjust?.(definition);
  return grpcModule.loadPackageDefinition(definition) as unknown as TidelogProto;
}

/**
 * Channel options for every tidelog connection. Messages are bounded (a broker must not
 * accept an unbounded request) but large enough for many 1 MiB batches.
 *
 * The HTTP/2 window is grpc-js's own option (`grpc.http2.lookahead_bytes`, used here
 * until 2026-12-03, is a C-core name grpc-js ignores): it sets how much a server may send
 * this side before waiting for a WINDOW_UPDATE, which is what bounds a fetch response in
 * flight. 16 MiB against the default 64 KiB: consuming 3M 100 B records on one broker
 * went from 0.80-0.83M to 1.01M records/s (two interleaved pairs, bench/e2e.ts consume).
 * grpc-js servers take no such option, so requests (produce) keep the default window.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
  "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
  "grpc.keepalive_time_ms": 10_000,
  "grpc.keepalive_timeout_ms": 5_000,
  "grpc-node.flow_control_window": 16 * 1024 * 1024,
};

export const NO_ERROR: { code: number; message: string } = Object.freeze({ code: 0, message: "" });

/** The wire form of an error (code 0 and an empty message for success). */
export function errorInfo(e: TidelogError | ErrorName | null, detail?: string): { code: number; message: string } {
  if (e === null) return NO_ERROR;
  if (typeof e === "string") return { code: ERRORS[e].code, message: detail ?? ERRORS[e].message };
  return { code: e.errorCode, message: e.detail };
}

/** The TidelogError an ErrorInfo stands for, or null for success. */
export function errorFromInfo(info: ErrorInfo__Output | null | undefined): TidelogError | null {
  if (!info || info.code === 0) return null;
  return TidelogError.fromCode(info.code, info.message);
}
