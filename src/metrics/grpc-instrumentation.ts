/**
 * Request metrics for gRPC services, added from outside: `instrumentHandlers` wraps a
 * service's handler table so that every unary call, and every request on an ordered
 * request/response stream (ProduceStream), is timed and labelled with its API and the
 * first error code in its answer. The services themselves stay free of metrics code.
 *
 * The Broker service's traffic is counted here too, per partition batch: bytes and
 * records in from each Produce partition the answer reports as written, bytes and
 * records out from each Fetch partition's records. Replication traffic is not counted as
 * topic traffic (as in Kafka, where it has metrics of its own).
 * The Admin and Group services' handlers go through the same function.
 */
import type * as grpc from "@grpc/grpc-js";
import type { wire } from "@tidelog/client/protocol";
import type { BrokerMetrics } from "./broker-metrics.js";

interface ErrorLike {
  readonly code?: number;
}

/**
 * The first non-zero error code in an answer: the answer's own `error`, else the first
 * failed item (`topics[]`, their `partitions[]`, `results[]`). Walks items, not records.
 */
export function firstErrorCode(res: unknown): number {
  if (typeof res !== "object" || res === null) return 0;
  const r = res as { error?: ErrorLike; topics?: unknown[]; results?: unknown[]; partitions?: unknown[] };
  if (r.error?.code) return r.error.code;
  for (const list of [r.topics, r.results, r.partitions]) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const code = firstErrorCode(item);
      if (code !== 0) return code;
    }
  }
  return 0;
}

/** Counts Produce and Fetch traffic per topic from a request and its answer. */
function countTraffic(metrics: BrokerMetrics, api: string, req: unknown, res: unknown): void {
  if (api === "Produce") {
    const request = req as wire.ProduceRequest__Output;
    const answer = res as wire.ProduceResponse;
    // The answer lists topics and partitions in the request's order.
    request.topics.forEach((t, i) => {
      const answered = answer.topics?.[i]?.partitions;
      t.partitions.forEach((p, j) => {
        if (answered?.[j]?.error?.code === 0 && p.records.length > 0) metrics.produced(t.topic, p.records);
      });
    });
  } else if (api === "Fetch") {
    for (const t of (res as wire.FetchResponse).topics ?? [])
      for (const p of t.partitions ?? []) {
        const records = p.records as Buffer | undefined;
        if (records && records.length > 0) metrics.fetched(t.topic ?? "", records);
      }
  }
}

type Handler = (...args: never[]) => void;

/**
 * Wraps every unary handler (arity 2: call, callback) and the streams named in
 * `orderedStreams` (stream name -> API label; each request answered by exactly one
 * response, in order). Other streaming handlers are passed through untouched.
 */
export function instrumentHandlers<H extends object>(
  handlers: H,
  metrics: BrokerMetrics,
  orderedStreams: Readonly<Record<string, string>> = {},
): H {
  const out: Record<string, Handler> = {};
  for (const [name, handler] of Object.entries(handlers as Record<string, Handler>)) {
    if (handler.length === 2) out[name] = instrumentUnary(name, handler, metrics);
    else if (orderedStreams[name]) out[name] = instrumentStream(orderedStreams[name], handler, metrics);
    else out[name] = handler;
  }
  return out as H;
}

function instrumentUnary(api: string, handler: Handler, metrics: BrokerMetrics): Handler {
  const unary = handler as unknown as grpc.handleUnaryCall<unknown, unknown>;
  const wrapped: grpc.handleUnaryCall<unknown, unknown> = (call, callback) => {
    const startNs = process.hrtime.bigint();
    unary(call, (err, res, ...rest) => {
      metrics.request(api, startNs, err ? "UNKNOWN_SERVER_ERROR" : firstErrorCode(res));
      if (!err) countTraffic(metrics, api, call.request, res);
      callback(err, res, ...rest);
    });
  };
  return wrapped as unknown as Handler;
}

/** Answers come in request order, so a FIFO of start times pairs each answer with its request. */
function instrumentStream(api: string, handler: Handler, metrics: BrokerMetrics): Handler {
  const stream = handler as unknown as grpc.handleBidiStreamingCall<unknown, unknown>;
  const wrapped: grpc.handleBidiStreamingCall<unknown, unknown> = (call) => {
    const pending: { startNs: bigint; req: unknown }[] = [];
    // Registered before the service's own listener, so the time is taken on arrival.
    call.on("data", (req: unknown) => pending.push({ startNs: process.hrtime.bigint(), req }));
    const write = call.write.bind(call) as (chunk: unknown, ...rest: unknown[]) => boolean;
    call.write = ((res: unknown, ...rest: unknown[]) => {
      const started = pending.shift();
      if (started) {
        metrics.request(api, started.startNs, firstErrorCode(res));
        countTraffic(metrics, api, started.req, res);
      }
      return write(res, ...rest);
    }) as typeof call.write;
    stream(call);
  };
  return wrapped as unknown as Handler;
}
