/**
 * Bounds on the client work a broker holds at once: unary requests in progress and
 * ProduceStreams open, per connection and for the whole broker. Past a bound the broker
 * refuses, it does not queue: the request is answered at once with REQUEST_LIMIT_EXCEEDED
 * (retriable) in its own response shape, where the request's other errors go, and a
 * stream answers the requests it was sent with that error and is ended. A refused
 * request was not started, so a client may always send it again after a backoff.
 *
 *   setting                               default  counts
 *   max.inflight.requests.per.connection      500  unary calls in progress on one connection
 *   max.inflight.requests                    5000  the same, all connections together
 *   max.streams.per.connection                100  ProduceStreams and EndTxnStreams open on one connection
 *   max.streams                              1000  the same, all connections together
 *
 * An SDK producer holds one ProduceStream per broker (a transactional one also an
 * EndTxnStream to its coordinator, and falls back to unary EndTxn when refused one) and a
 * consumer at most one fetch per broker, so the defaults leave
 * room for hundreds of clients on one connection (grpc-js shares one connection among
 * the clients of a process that use the same address and options) and thousands per
 * broker. What they cost: each open stream may hold up to
 * LIMITS.produceStreamInFlightMax produce requests; each request in progress holds its
 * request and, for a long poll, a wait on the partition.
 *
 * A connection is one HTTP/2 connection, keyed by the peer address grpc-js reports
 * (`call.getPeer()`, "ip:port" of the client's socket); calls whose peer is unknown share
 * the key "unknown". A request holds its slot from the moment its handler starts until it
 * answers (a cancelled call keeps its slot until the handler is done, since the work goes
 * on); a stream holds its slot until it finishes, is cancelled or closes.
 *
 * What is counted: every handler that knows how to refuse (`refusable`): Produce, Fetch,
 * InitProducerId and ProduceStream of the Broker service, every Group and Admin call, and
 * the client-facing Transaction calls and EndTxnStream.
 * Metadata and ListOffsets are answered synchronously from memory, hold nothing, and are
 * never refused, so a client refused everything else can still find leaders. Replication
 * between brokers (ReplicaFetch) is not a client's work and is not limited here.
 *
 * Invariants, asserted: counts never go negative; each admission is released once; the
 * broker totals equal the sums over connections; a connection with nothing counted is
 * forgotten (the table is bounded by max.inflight.requests + max.streams entries).
 *
 * Event-loop only.
 */
import type * as grpc from "@grpc/grpc-js";
import { TidelogError } from "@tidelog/client/record";
import { invariant } from "../common/invariant.js";
import type { RequestLimitsConfig } from "./config.js";

export type AdmissionKind = "request" | "stream";

/** The bound a refused request or stream met; the `reason` label of tidelog_requests_refused_total. */
export type RefusalReason = "connection_requests" | "broker_requests" | "connection_streams" | "broker_streams";

export type Admission =
  | { readonly admitted: true; readonly release: () => void }
  | { readonly admitted: false; readonly reason: RefusalReason; readonly error: TidelogError };

/** How long a refused stream waits for a first request to answer before it is ended anyway. */
export const REFUSED_STREAM_WAIT_MS = 1000;

interface ConnectionCounts {
  requests: number;
  streams: number;
}

export class RequestLimiter {
  private readonly connections = new Map<string, ConnectionCounts>();
  private requests = 0;
  private streams = 0;

  constructor(
    readonly config: RequestLimitsConfig,
    /** Called once per refusal, for the metrics. */
    private readonly onRefused: (api: string, reason: RefusalReason) => void = () => {},
  ) {
    invariant(
      config.inflightRequestsPerConnectionMax >= 1 &&
        config.inflightRequestsPerConnectionMax <= config.inflightRequestsMax &&
        config.streamsPerConnectionMax >= 1 &&
        config.streamsPerConnectionMax <= config.streamsMax,
      () => `request limits do not agree: ${JSON.stringify(config)}`,
    );
  }

  /** Unary requests in progress on this broker. */
  get inflightRequests(): number {
    return this.requests;
  }

  /** Streams open on this broker. */
  get openStreams(): number {
    return this.streams;
  }

  /** Connections with something counted. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** What one connection holds now (zeros when nothing). */
  countsOf(peer: string): { readonly requests: number; readonly streams: number } {
    const c = this.connections.get(peer);
    return { requests: c?.requests ?? 0, streams: c?.streams ?? 0 };
  }

  /** A slot for one request or stream of `api` from `peer`, or the refusal with its typed error. */
  admit(kind: AdmissionKind, peer: string, api: string): Admission {
    const counts = this.connections.get(peer);
    const refusal = this.refusal(kind, peer, counts);
    if (refusal !== null) {
      this.onRefused(api, refusal.reason);
      return refusal;
    }
    const c = counts ?? { requests: 0, streams: 0 };
    if (counts === undefined) this.connections.set(peer, c);
    if (kind === "request") {
      c.requests++;
      this.requests++;
    } else {
      c.streams++;
      this.streams++;
    }
    let released = false;
    return {
      admitted: true,
      release: () => {
        invariant(!released, () => `a ${kind} slot of ${peer} released twice`);
        released = true;
        this.release(kind, peer, c);
      },
    };
  }

  private refusal(
    kind: AdmissionKind,
    peer: string,
    counts: ConnectionCounts | undefined,
  ): Extract<Admission, { admitted: false }> | null {
    const { config } = this;
    const refuse = (reason: RefusalReason, detail: string) => ({
      admitted: false as const,
      reason,
      error: new TidelogError("REQUEST_LIMIT_EXCEEDED", `${detail}; nothing was done, retry after a backoff`),
    });
    if (kind === "request") {
      if ((counts?.requests ?? 0) >= config.inflightRequestsPerConnectionMax) {
        return refuse(
          "connection_requests",
          `connection ${peer} already has ${config.inflightRequestsPerConnectionMax} requests in progress (max.inflight.requests.per.connection)`,
        );
      }
      if (this.requests >= config.inflightRequestsMax) {
        return refuse(
          "broker_requests",
          `this broker already has ${config.inflightRequestsMax} requests in progress (max.inflight.requests)`,
        );
      }
      return null;
    }
    if ((counts?.streams ?? 0) >= config.streamsPerConnectionMax) {
      return refuse(
        "connection_streams",
        `connection ${peer} already has ${config.streamsPerConnectionMax} streams open (max.streams.per.connection)`,
      );
    }
    if (this.streams >= config.streamsMax) {
      return refuse("broker_streams", `this broker already has ${config.streamsMax} streams open (max.streams)`);
    }
    return null;
  }

  private release(kind: AdmissionKind, peer: string, c: ConnectionCounts): void {
    if (kind === "request") {
      c.requests--;
      this.requests--;
    } else {
      c.streams--;
      this.streams--;
    }
    invariant(
      c.requests >= 0 && c.streams >= 0 && this.requests >= 0 && this.streams >= 0,
      () => `request counts went negative for ${peer}`,
    );
    if (c.requests === 0 && c.streams === 0 && this.connections.get(peer) === c) this.connections.delete(peer);
  }
}

// ---------------------------------------------------------------------------------------
// Handlers that can refuse

/** Builds the answer to a request refused before it started, in the method's response shape. */
export type Refuse<Req, Res> = (request: Req, error: TidelogError) => Res;

/** A handler that carries what it holds while it runs and how to answer a request it was not allowed to start. */
export type Refusable<H, Req, Res> = H & { readonly refuse: Refuse<Req, Res>; readonly limitedAs: AdmissionKind };

/**
 * Marks `handler` as limited: `limitHandlers` counts it as a `kind` (a unary request, or a
 * stream whose every request gets one answer) and answers refusals with `refuse`.
 */
export function refusable<H extends object, Req, Res>(
  handler: H,
  refuse: Refuse<Req, Res>,
  kind: AdmissionKind,
): Refusable<H, Req, Res> {
  return Object.assign(handler, { refuse, limitedAs: kind });
}

/** `refusable` for a unary handler: request and response types come from `refuse`. */
export function refusableUnary<Req, Res>(
  handler: grpc.handleUnaryCall<Req, Res>,
  refuse: Refuse<Req, Res>,
): Refusable<grpc.handleUnaryCall<Req, Res>, Req, Res> {
  return refusable(handler, refuse, "request");
}

/** `refusable` for a bidirectional stream whose every request gets one answer (ProduceStream). */
export function refusableStream<Req, Res>(
  handler: grpc.handleBidiStreamingCall<Req, Res>,
  refuse: Refuse<Req, Res>,
): Refusable<grpc.handleBidiStreamingCall<Req, Res>, Req, Res> {
  return refusable(handler, refuse, "stream");
}

/**
 * Gives `handler` its answer to a refused request without counting it against the
 * request limits (a request authorization refuses; see authorization.ts).
 */
export function answersRefusal<H extends object, Req, Res>(
  handler: H,
  refuse: Refuse<Req, Res>,
): H & { refuse: Refuse<Req, Res> } {
  return Object.assign(handler, { refuse });
}

type Handler = ((...args: never[]) => void) & {
  readonly refuse?: Refuse<unknown, unknown>;
  readonly limitedAs?: AdmissionKind;
};

/**
 * Wraps a service's handler table: each refusable unary handler holds a request slot while
 * it runs, each refusable streaming handler (ProduceStream) a stream slot while it is open. Other handlers pass through untouched (and are not counted).
 * Applied inside the metrics instrumentation, so a refusal is timed and labelled like any
 * answer (its error is REQUEST_LIMIT_EXCEEDED).
 */
export function limitHandlers<H extends object>(handlers: H, limiter: RequestLimiter): H {
  const out: Record<string, Handler> = {};
  for (const [name, handler] of Object.entries(handlers as Record<string, Handler>)) {
    const { refuse, limitedAs } = handler;
    if (refuse === undefined || limitedAs === undefined) out[name] = handler;
    // The refusal stays on the wrapper: authorization (outside the limits) answers with it.
    else if (limitedAs === "request") out[name] = answersRefusal(limitUnary(name, handler, refuse, limiter), refuse);
    else out[name] = answersRefusal(limitStream(name, handler, refuse, limiter), refuse);
  }
  return out as H;
}

function limitUnary(api: string, handler: Handler, refuse: Refuse<unknown, unknown>, limiter: RequestLimiter): Handler {
  const unary = handler as unknown as grpc.handleUnaryCall<unknown, unknown>;
  const wrapped: grpc.handleUnaryCall<unknown, unknown> = (call, callback) => {
    const admission = limiter.admit("request", call.getPeer(), api);
    if (!admission.admitted) {
      callback(null, refuse(call.request, admission.error));
      return;
    }
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      admission.release();
    };
    try {
      unary(call, (err, res, ...rest) => {
        release();
        callback(err, res, ...rest);
      });
    } catch (e) {
      release();
      throw e;
    }
  };
  return wrapped as unknown as Handler;
}

function limitStream(
  api: string,
  handler: Handler,
  refuse: Refuse<unknown, unknown>,
  limiter: RequestLimiter,
): Handler {
  const stream = handler as unknown as grpc.handleBidiStreamingCall<unknown, unknown>;
  const wrapped: grpc.handleBidiStreamingCall<unknown, unknown> = (call) => {
    const admission = limiter.admit("stream", call.getPeer(), api);
    if (!admission.admitted) {
      refuseStream(call, refuse, admission.error);
      return;
    }
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      admission.release();
    };
    // Whichever comes first: the broker ended it (finish), the client cancelled or went
    // away (cancelled), or the stream was torn down (close).
    call.once("finish", release);
    call.once("cancelled", release);
    call.once("close", release);
    try {
      stream(call);
    } catch (e) {
      release();
      throw e;
    }
  };
  return wrapped as unknown as Handler;
}

/**
 * A stream past its bound: every request that arrives in the first burst is answered with
 * the error, then the stream is ended (OK status), so the client sees typed answers and
 * opens a new stream after its backoff. A stream that sends nothing is ended after
 * REFUSED_STREAM_WAIT_MS.
 */
export function refuseStream(
  call: grpc.ServerDuplexStream<unknown, unknown>,
  refuse: Refuse<unknown, unknown>,
  error: TidelogError,
): void {
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    if (!call.cancelled) call.end();
  };
  // Network plumbing outside the broker's logic: a refused stream's grace, on the wall clock.
  const timer = setTimeout(end, REFUSED_STREAM_WAIT_MS); // wall clock
  call.on("data", (request: unknown) => {
    if (ended) return;
    if (!call.cancelled) call.write(refuse(request, error));
    setImmediate(end);
  });
  call.on("end", end);
  call.on("error", () => {});
  call.once("cancelled", () => {
    ended = true;
    clearTimeout(timer);
  });
}
