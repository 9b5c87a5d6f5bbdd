/**
 * The idempotent producer's identity: a producer id and epoch from InitProducerId (asked
 * of any broker), which the leaders use to recognise retried batches. One request at a
 * time; after a failure the next request waits a backoff. A partition whose sequence
 * broke (see Sender) asks for a new id with `request(replacing)`, and keeps using
 * nothing until it has one.
 *
 * A non-retriable answer (the cluster cannot give ids at all) is fatal: `fatal` is set
 * and the producer fails what it holds.
 *
 * Event-loop only.
 */
import type { ClientContext } from "./client-context.js";
import { TidelogError } from "./errors.js";
import { errorFromInfo } from "./protocol/grpc.js";

export interface ProducerIdentity {
  readonly producerId: number;
  readonly producerEpoch: number;
}

function isRetriable(e: TidelogError): boolean {
  return e.retriable;
}

export class ProducerIdManager {
  current: ProducerIdentity | null = null;
  fatal: TidelogError | null = null;
  lastError: TidelogError | null = null;
  private fetching = false;
  private notBeforeMs = 0;

  constructor(
    private readonly ctx: ClientContext,
    /** Called when a request ends, with or without an id. */
    private readonly onChange: () => void,
    /**
     * A transactional producer's ids come from its transaction coordinator (InitProducerId
     * with its transactional id, and every EndTxn): `assign` sets them, and a request for a
     * new one (a partition's sequence broke) goes here instead, since a transaction cannot
     * change producer id midway.
     */
    private readonly external?: (replacing: number | undefined) => void,
  ) {}

  /** The id and epoch a transaction coordinator gave. */
  assign(identity: ProducerIdentity): void {
    this.current = identity;
    this.lastError = null;
    this.onChange();
  }

  /** Asks for an id unless one is being fetched; `replacing` names an id that may no longer be used. */
  request(replacing?: number): void {
    if (this.external) {
      this.external(replacing);
      return;
    }
    if (this.fetching || this.fatal !== null) return;
    if (replacing !== undefined && this.current !== null && this.current.producerId !== replacing) return;
    if (this.ctx.seams.nowMs() < this.notBeforeMs) return;
    this.fetching = true;
    const attempt = async (a: { deadlineMs: number }): Promise<ProducerIdentity> => {
      const address = this.ctx.topicMetadata.anyBroker();
      const r = await this.ctx.callBroker(address, "initProducerId", { transactionalId: "" }, a.deadlineMs).response;
      const error = errorFromInfo(r.error);
      if (error) throw error;
      if (!Number.isSafeInteger(r.producerId) || r.producerId < 0) {
        throw new TidelogError("UNKNOWN_SERVER_ERROR", `InitProducerId answered producer id ${r.producerId}`);
      }
      return { producerId: r.producerId, producerEpoch: r.producerEpoch };
    };
    const done = () => {
      this.fetching = false;
      this.onChange();
    };
    this.ctx.retrier.run("initProducerId", attempt, isRetriable).then(
      (identity) => {
        this.current = identity;
        this.lastError = null;
        done();
      },
      (e: unknown) => {
        const error = e instanceof TidelogError ? e : new TidelogError("UNKNOWN_SERVER_ERROR", String(e));
        this.lastError = error;
        if (!error.retriable) this.fatal = error;
        this.notBeforeMs = this.ctx.seams.nowMs() + this.ctx.retry.maxBackoffMs;
        this.ctx.logger.warn({ error: error.message }, "InitProducerId failed");
        done();
      },
    );
  }
}
