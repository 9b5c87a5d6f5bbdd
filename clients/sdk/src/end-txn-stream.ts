/**
 * A transactional producer's Transaction.EndTxnStream to its coordinator: each commit or
 * abort is a message on one open stream instead of a unary call. A producer in a
 * transaction loop ends one every few milliseconds, and a unary call costs a busy broker
 * several times what a stream message does.
 *
 * Answers come in request order; each echoes its request's correlation id, checked. The
 * stream opens with the first request and again after it breaks or a request runs past
 * its deadline (the stream is then cancelled, so a late answer cannot be taken for the
 * next request's). A broken stream fails its requests with a TransportError, which the
 * transaction manager retries like a lost unary call. A broker that does not know the
 * method (an older version) answers UNIMPLEMENTED: the manager then uses unary EndTxn.
 */
import type * as grpc from "@grpc/grpc-js";
import { status } from "@grpc/grpc-js";
import { TransportError } from "./client-errors.js";
import type * as wire from "./protocol/messages.js";
import { errorFromStatus } from "./rpc.js";

export type EndTxnStreamCall = grpc.ClientDuplexStream<wire.EndTxnRequest, wire.EndTxnResponse__Output>;

/** The coordinator has no EndTxnStream: use the unary EndTxn. */
export class EndTxnStreamUnsupported extends Error {}

interface Waiting {
  readonly correlationId: number;
  readonly resolve: (res: wire.EndTxnResponse__Output) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class EndTxnStream {
  private call: EndTxnStreamCall | null = null;
  private readonly waiting: Waiting[] = [];
  private nextId = 1;
  unsupported = false;

  constructor(
    private readonly open: () => EndTxnStreamCall,
    readonly address: string,
  ) {}

  /** EndTxn on the stream; resolves with the coordinator's answer by `deadlineMs` (wall clock). */
  request(req: Omit<wire.EndTxnRequest, "correlationId">, deadlineMs: number): Promise<wire.EndTxnResponse__Output> {
    if (this.unsupported) return Promise.reject(new EndTxnStreamUnsupported(this.address));
    const call = this.stream();
    const correlationId = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.broken(call, new TransportError("REQUEST_TIMED_OUT", this.address, "DEADLINE_EXCEEDED", "EndTxn")),
        Math.max(0, deadlineMs - Date.now()),
      );
      this.waiting.push({ correlationId, resolve, reject, timer });
      call.write({ ...req, correlationId });
    });
  }

  close(): void {
    const call = this.call;
    if (call) this.broken(call, new TransportError("NETWORK_EXCEPTION", this.address, "CANCELLED", "producer closed"));
  }

  private stream(): EndTxnStreamCall {
    if (this.call) return this.call;
    const call = this.open();
    this.call = call;
    call.on("data", (res: wire.EndTxnResponse__Output) => {
      const head = this.waiting[0];
      if (!head || Number(res.correlationId) !== head.correlationId) {
        const got = Number(res.correlationId);
        this.broken(call, new TransportError("NETWORK_EXCEPTION", this.address, "OK", `unexpected answer ${got}`));
        return;
      }
      this.waiting.shift();
      clearTimeout(head.timer);
      head.resolve(res);
    });
    call.on("error", (e: grpc.ServiceError) => {
      if (e.code === status.UNIMPLEMENTED) {
        this.unsupported = true;
        this.broken(call, new EndTxnStreamUnsupported(this.address));
      } else {
        this.broken(call, errorFromStatus(e, this.address, "EndTxnStream"));
      }
    });
    call.on("end", () =>
      this.broken(call, new TransportError("NETWORK_EXCEPTION", this.address, "OK", "stream ended")),
    );
    return call;
  }

  /** Fails everything waiting on `call` with `error` and drops the stream (the next request opens another). */
  private broken(call: EndTxnStreamCall, error: Error): void {
    if (this.call !== call) return;
    this.call = null;
    call.cancel();
    for (const w of this.waiting.splice(0)) {
      clearTimeout(w.timer);
      w.reject(error);
    }
  }
}
