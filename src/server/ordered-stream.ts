/**
 * A client's bidirectional stream whose every request gets one answer, in request order
 * (ProduceStream, EndTxnStream): requests are handled as they arrive, concurrently, and
 * their answers go out in order. Past `inFlightMax` unanswered requests the broker stops
 * reading the stream (TCP pushes back on the client) until answers drain.
 *
 * Client quotas: `throttle` may hold a request's answer back (Kafka mutes a throttled
 * connection); the held answer stays in flight meanwhile, and `withThrottle` adds the
 * time it waited to the answer when the message has a field for it.
 */
import type * as grpc from "@grpc/grpc-js";
import type { Logger } from "../common/logger.js";

export interface OrderedStreamOptions<Req, Res> {
  readonly handle: (req: Req) => Promise<Res>;
  readonly inFlightMax: number;
  readonly throttle: ((req: Req) => Promise<number> | null) | null;
  /** Puts the time a held answer waited into it; leave out for a message with no field for it. */
  readonly withThrottle?: (res: Res, throttleTimeMs: number) => Res;
  readonly logger: Logger;
  /** Names the stream in the log line of a request that failed unexpectedly. */
  readonly what: string;
}

export function serveOrderedStream<Req, Res>(
  call: grpc.ServerDuplexStream<Req, Res>,
  options: OrderedStreamOptions<Req, Res>,
): void {
  const { handle, inFlightMax, throttle, withThrottle, logger, what } = options;
  let chain: Promise<void> = Promise.resolve();
  let inFlight = 0;
  let ended = false;
  const finish = () => {
    if (ended && inFlight === 0) call.end();
  };
  call.on("data", (req: Req) => {
    inFlight++;
    if (inFlight >= inFlightMax) call.pause();
    const response = handle(req);
    const held = throttle?.(req) ?? null;
    chain = chain
      .then(() => response)
      .then((res) => (held ? held.then((throttleTimeMs) => withThrottle?.(res, throttleTimeMs) ?? res) : res))
      .then((res) => {
        if (!call.cancelled) call.write(res);
      })
      .catch((e: unknown) => logger.error({ err: e }, `${what} request failed`))
      .finally(() => {
        inFlight--;
        if (inFlight < inFlightMax) call.resume();
        finish();
      });
  });
  call.on("end", () => {
    ended = true;
    finish();
  });
  call.on("error", () => {});
}
