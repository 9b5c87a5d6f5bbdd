/**
 * One Broker.ProduceStream to one leader broker: produce requests are pipelined on it,
 * and the broker answers them in the order they were sent, each echoing its
 * correlation id. Opened on first use; after a failure the next request opens a new one.
 *
 *   client ---req#1---req#2---req#3--->  broker
 *   client <--res#1---res#2------------  (res#3 pending: in `pending`)
 *
 * Failure handling: a transport error, an early end or an answer out of order fails
 * every pending request with a retriable TransportError (the producer decides what to
 * retry; idempotence makes resending safe). A request unanswered for longer than the
 * producer's request timeout is detected by the producer (`oldestSentAtMs`), which then
 * fails the stream.
 *
 * Bounded: at most MAX_PENDING_PRODUCE_REQUESTS unanswered requests, and nothing more is
 * written while grpc-js reports its send buffer full (until 'drain').
 *
 * Event-loop only.
 */
import type * as grpc from "@grpc/grpc-js";
import { TransportError } from "./client-errors.js";
import type { TidelogError } from "./errors.js";
import { MAX_PENDING_PRODUCE_REQUESTS } from "./limits.js";
import type * as wire from "./protocol/messages.js";
import { errorFromStatus, type ProduceStreamCall } from "./rpc.js";

export interface ProduceHandler {
  onResponse(response: wire.ProduceResponse__Output): void;
  onError(error: TidelogError): void;
  /** Called once the request has been handed to the connection (acks 0 completes here). */
  onWritten?(): void;
}

interface Pending {
  readonly correlationId: number;
  readonly sentAtMs: number;
  readonly handler: ProduceHandler;
}

export class ProduceStream {
  private call: ProduceStreamCall | null = null;
  private pending: Pending[] = [];
  private pendingHead = 0;
  private nextCorrelationId = 1;
  private writable = true;
  private ending = false;

  constructor(
    readonly address: string,
    private readonly open: () => ProduceStreamCall,
    /** Room opened up (an answer arrived, the buffer drained, the stream failed). */
    private readonly onReady: () => void,
    private readonly nowMs: () => number,
  ) {}

  get pendingCount(): number {
    return this.pending.length - this.pendingHead;
  }

  get canSend(): boolean {
    return !this.ending && this.writable && this.pendingCount < MAX_PENDING_PRODUCE_REQUESTS;
  }

  /** When the oldest unanswered request was sent, or null when none is pending. */
  get oldestSentAtMs(): number | null {
    return this.pendingCount === 0 ? null : this.pending[this.pendingHead]!.sentAtMs;
  }

  send(request: wire.ProduceRequest, handler: ProduceHandler): void {
    const call = this.call ?? this.start();
    const correlationId = this.nextCorrelationId++;
    this.pending.push({ correlationId, sentAtMs: this.nowMs(), handler });
    request.correlationId = correlationId;
    const onWritten = handler.onWritten;
    const ok =
      onWritten === undefined
        ? call.write(request)
        : call.write(request, (error: Error | null | undefined) => {
            if (!error && this.call === call) onWritten.call(handler);
          });
    if (!ok) this.writable = false;
  }

  /** Fails every pending request with `error` and drops the stream. */
  fail(error: TidelogError): void {
    const call = this.call;
    if (call === null) return;
    this.onFailure(call, error);
    call.cancel();
  }

  /** Half-closes the stream once nothing is pending (the producer calls it when closing). */
  end(): void {
    this.ending = true;
    if (this.call !== null && this.pendingCount === 0) {
      this.call.end();
      this.call = null;
    }
  }

  private start(): ProduceStreamCall {
    const call = this.open();
    this.call = call;
    this.writable = true;
    call.on("data", (response: wire.ProduceResponse__Output) => this.onData(call, response));
    call.on("error", (e: grpc.ServiceError) => this.onFailure(call, errorFromStatus(e, this.address, "ProduceStream")));
    call.on("end", () => {
      const detail = "the broker ended the produce stream with requests unanswered";
      this.onFailure(call, new TransportError("NETWORK_EXCEPTION", this.address, "OK", detail));
    });
    call.on("drain", () => {
      if (this.call !== call) return;
      this.writable = true;
      this.onReady();
    });
    return call;
  }

  private onData(call: ProduceStreamCall, response: wire.ProduceResponse__Output): void {
    if (this.call !== call) return;
    const head = this.pendingCount > 0 ? this.pending[this.pendingHead]! : null;
    if (head === null || head.correlationId !== response.correlationId) {
      const expected = head === null ? "none" : String(head.correlationId);
      const detail = `answer for correlation id ${response.correlationId} arrived, expected ${expected}`;
      this.fail(new TransportError("NETWORK_EXCEPTION", this.address, "OK", detail));
      return;
    }
    this.pending[this.pendingHead++] = undefined as unknown as Pending;
    if (this.pendingHead === this.pending.length) {
      this.pending.length = 0;
      this.pendingHead = 0;
      if (this.ending) this.end();
    } else if (this.pendingHead > 64 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
    head.handler.onResponse(response);
    this.onReady();
  }

  private onFailure(call: ProduceStreamCall, error: TidelogError): void {
    if (this.call !== call) return;
    this.call = null;
    this.writable = true;
    const failed = this.pending.slice(this.pendingHead);
    this.pending = [];
    this.pendingHead = 0;
    for (const p of failed) p.handler.onError(error);
    this.onReady();
  }
}
