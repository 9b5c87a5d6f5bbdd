/**
 * One Replication.PeerStream from this broker to another: a transaction's
 * broker-to-broker requests (a leader's JoinTxnPartition, a coordinator's
 * WriteTxnMarkers) as messages on one open stream instead of a unary call each. Under
 * load a unary call cost the broker it reached about 0.5-0.75 ms of CPU, a message on an
 * open stream about 0.15 ms (bench/RESULTS.md, 2026-12-06), and a transaction makes one
 * or two of these calls.
 *
 * Requests carry a correlation id and may be answered in any order. The stream is opened
 * on the first request and again after it breaks; a break fails every request in flight
 * with NETWORK_EXCEPTION (the callers retry: the coordinator resends markers, the
 * producer its batch). A broker that does not know PeerStream (an older version) answers
 * UNIMPLEMENTED: its requests then fail with PeerStreamUnsupported and the caller uses the
 * unary calls from then on.
 */
import * as grpc from "@grpc/grpc-js";
import type { wire } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";

/** Requests in flight on one stream; past it a request is refused at once (retriable). */
export const PEER_PENDING_MAX = 4096;

export type PeerStreamCall = grpc.ClientDuplexStream<wire.PeerRequest, wire.PeerResponse__Output>;

/** The destination broker has no PeerStream: use the unary calls. */
export class PeerStreamUnsupported extends Error {}

interface Pending {
  readonly resolve: (res: wire.PeerResponse__Output) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class PeerStream {
  private call: PeerStreamCall | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Set once the destination answered UNIMPLEMENTED. */
  unsupported = false;
  private closed = false;

  constructor(
    private readonly open: () => PeerStreamCall,
    /** Names the destination in errors. */
    private readonly destination: string,
  ) {}

  /** Sends `body` and resolves with its answer; rejects on a break, a timeout or a refusal of the whole request. */
  request(
    body: Pick<wire.PeerRequest, "joinTxnPartition" | "writeTxnMarkers">,
    timeoutMs: number,
  ): Promise<wire.PeerResponse__Output> {
    if (this.unsupported) return Promise.reject(new PeerStreamUnsupported(this.destination));
    if (this.closed) return Promise.reject(new TidelogError("BROKER_NOT_AVAILABLE", "the broker is shutting down"));
    if (this.pending.size >= PEER_PENDING_MAX) {
      return Promise.reject(
        new TidelogError(
          "THROTTLING_QUOTA_EXCEEDED",
          `${PEER_PENDING_MAX} requests already in flight to ${this.destination}`,
        ),
      );
    }
    const call = this.stream();
    const correlationId = this.nextId++;
    return new Promise<wire.PeerResponse__Output>((resolve, reject) => {
      const expire = () => {
        this.pending.delete(correlationId);
        reject(new TidelogError("REQUEST_TIMED_OUT", `no answer from ${this.destination} in ${timeoutMs} ms`));
      };
      // Network plumbing outside the broker's logic: a request's deadline, on the wall clock.
      const timer = setTimeout(expire, timeoutMs); // wall clock
      this.pending.set(correlationId, { resolve, reject, timer });
      call.write({ correlationId, ...body });
    });
  }

  close(): void {
    this.closed = true;
    this.call?.end();
    this.failAll(new TidelogError("BROKER_NOT_AVAILABLE", "the broker is shutting down"));
  }

  private stream(): PeerStreamCall {
    if (this.call) return this.call;
    const call = this.open();
    this.call = call;
    call.on("data", (res: wire.PeerResponse__Output) => {
      const id = Number(res.correlationId);
      const p = this.pending.get(id);
      if (!p) return; // timed out already
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.resolve(res);
    });
    const broken = (e: Error | null) => {
      if (this.call !== call) return;
      this.call = null;
      if ((e as grpc.ServiceError | null)?.code === grpc.status.UNIMPLEMENTED) {
        this.unsupported = true;
        this.failAll(new PeerStreamUnsupported(this.destination));
        return;
      }
      this.failAll(
        new TidelogError(
          "NETWORK_EXCEPTION",
          `the peer stream to ${this.destination} broke: ${e?.message ?? "ended"}`,
          {
            cause: e ?? undefined,
          },
        ),
      );
    };
    call.on("error", (e: Error) => broken(e));
    call.on("end", () => broken(null));
    return call;
  }

  private failAll(e: Error): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(e);
    }
  }
}
