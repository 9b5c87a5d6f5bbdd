/**
 * Every bound the client keeps, in one place, each with what it costs. The ones a user
 * can set are checked against each other once, when a Client is made
 * (`checkClientLimits`), so a bad combination fails at start-up, not mid-request.
 */
import { TidelogError } from "./errors.js";
import type { RetryOptions } from "./retry.js";

/** The longest one call may take, every attempt and backoff included: how long a caller can be kept waiting. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/**
 * One request to one broker. Past this the broker is presumed hung (paused, cut off) and
 * the next attempt goes to another; without it one stuck broker would use up the whole
 * request timeout.
 */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;
/** Above this a "timeout" is a hang: ten minutes. */
export const MAX_REQUEST_TIMEOUT_MS = 10 * 60_000;

/** Five retries with 100 ms doubling to 2 s: about 3 s of trying before giving up on a dead cluster. */
export const DEFAULT_RETRY: RetryOptions = Object.freeze({ retries: 5, initialBackoffMs: 100, maxBackoffMs: 2_000 });
/** Each retry is one more request a struggling broker must answer. */
export const MAX_RETRIES = 20;
/** A longer single wait hides an outage from the caller instead of reporting it. */
export const MAX_BACKOFF_MS = 60_000;
/** Backoffs vary by +/- this fraction so clients that failed together do not retry together. */
export const BACKOFF_JITTER = 0.2;

/** Open channels (one per broker address, each an HTTP/2 connection and its buffers). */
export const MAX_CONNECTIONS = 64;
/** Cluster metadata older than this is refreshed before use: how long a moved controller can go unnoticed without an error to reveal it. */
export const METADATA_MAX_AGE_MS = 5 * 60_000;

/** Bootstrap addresses accepted from one source; more is a mistake, not a cluster. */
export const MAX_BOOTSTRAP_BROKERS = 64;
/** Largest .tidelog/cluster.json read: the file holds a few addresses. */
export const CLUSTER_FILE_MAX_BYTES = 64 * 1024;

export interface ClientLimits {
  readonly requestTimeoutMs: number;
  readonly attemptTimeoutMs: number;
  readonly retry: RetryOptions;
}

function invalid(detail: string): TidelogError {
  return new TidelogError("INVALID_CONFIG", detail);
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

/** Each value within its range, and the values in agreement with each other. */
export function checkClientLimits(limits: ClientLimits): ClientLimits {
  const { requestTimeoutMs, attemptTimeoutMs, retry } = limits;
  checkInteger("requestTimeoutMs", requestTimeoutMs, 1, MAX_REQUEST_TIMEOUT_MS);
  checkInteger("attemptTimeoutMs", attemptTimeoutMs, 1, MAX_REQUEST_TIMEOUT_MS);
  checkInteger("retry.retries", retry.retries, 0, MAX_RETRIES);
  checkInteger("retry.initialBackoffMs", retry.initialBackoffMs, 1, MAX_BACKOFF_MS);
  checkInteger("retry.maxBackoffMs", retry.maxBackoffMs, 1, MAX_BACKOFF_MS);
  if (retry.initialBackoffMs > retry.maxBackoffMs) {
    throw invalid(
      `retry.initialBackoffMs (${retry.initialBackoffMs}) must not exceed retry.maxBackoffMs (${retry.maxBackoffMs})`,
    );
  }
  return limits;
}

// ------------------------------------------------------------------------ producer

/** How long a batch waits for more records before it is sent (Kafka's linger.ms): latency traded for fewer, larger requests. */
export const DEFAULT_LINGER_MS = 5;
/** A longer linger holds records back without making batches meaningfully larger. */
export const MAX_LINGER_MS = 60_000;
/** Target bytes of one batch (Kafka's batch.size); each open batch reserves this much buffer memory. */
export const DEFAULT_BATCH_SIZE_BYTES = 16 * 1024;
/** A batch larger than this gains nothing and makes each retry resend more. */
export const MAX_BATCH_SIZE_BYTES = 16 * 1024 * 1024;
/** Bytes of records waiting to be delivered, sent or not (Kafka's buffer.memory): the producer's memory bound. */
export const DEFAULT_BUFFER_MEMORY_BYTES = 32 * 1024 * 1024;
/** Beyond this a producer hides an outage in memory instead of pushing back on the application. */
export const MAX_BUFFER_MEMORY_BYTES = 2 * 1024 * 1024 * 1024;
/** How long send() waits for buffer memory or topic metadata before it fails (Kafka's max.block.ms). */
export const DEFAULT_MAX_BLOCK_MS = 60_000;
/** Unacknowledged batches per partition: the broker remembers the last five batches per producer for de-duplication, so more would make a retry look out of order. */
export const MAX_IN_FLIGHT_PER_PARTITION = 5;
/** From send() to a final answer, retries included (Kafka's delivery.timeout.ms). */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;
/** One produce request on the wire; past this the connection is presumed dead and cancelled (Kafka's request.timeout.ms). */
export const DEFAULT_PRODUCE_REQUEST_TIMEOUT_MS = 30_000;
/** Bytes of batches in one produce request (Kafka's max.request.size); also the largest record accepted. */
export const DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;
/** Headroom kept under the gRPC message limit for the request's own fields. */
export const REQUEST_OVERHEAD_BYTES = 64 * 1024;
/**
 * send() calls waiting for buffer memory or metadata. JavaScript cannot block the caller
 * as Kafka's send() blocks its thread, so an application that never awaits would queue
 * without end; past this bound send() fails at once.
 */
export const MAX_WAITING_SENDS = 65_536;
/** Produce requests awaiting an answer on one broker's stream: each holds its batches' memory until answered. */
export const MAX_PENDING_PRODUCE_REQUESTS = 64;
/**
 * A produce request is presumed lost this long after requestTimeoutMs (which the broker
 * is also given as its own wait): the broker's REQUEST_TIMED_OUT answer comes first, and
 * only a stream that is really stuck is cancelled (failing every request on it).
 */
export const PRODUCE_RESPONSE_GRACE_MS = 2_000;
/** Housekeeping period: how late a delivery timeout or a hung request can be noticed. */
export const PRODUCER_TICK_MS = 100;

// ------------------------------------------------------------------------ consumer

/** How long a fetch waits at the broker for data (Kafka's fetch.max.wait.ms): the latency of an idle consumer's next record. */
export const DEFAULT_FETCH_MAX_WAIT_MS = 500;
/** A longer wait only delays noticing a leader move or a close. */
export const MAX_FETCH_MAX_WAIT_MS = 30_000;
/** Bytes one fetch response may carry (Kafka's fetch.max.bytes). */
export const DEFAULT_FETCH_MAX_BYTES = 50 * 1024 * 1024;
/** Bytes one partition may add to a fetch response (Kafka's max.partition.fetch.bytes); also its prefetch bound. */
export const DEFAULT_MAX_PARTITION_FETCH_BYTES = 1024 * 1024;
/** Fetched bytes the application has not consumed yet, across partitions: past this no fetch is sent. */
export const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/** Each fetch or offset lookup: long-poll wait plus this before the call is abandoned and retried. */
export const DEFAULT_CONSUMER_REQUEST_TIMEOUT_MS = 30_000;

/** Metadata is not asked for again sooner than this after an answer: a leaderless partition cannot turn refreshes into a busy loop. */
export const METADATA_REFRESH_BACKOFF_MS = 100;
/** A topic unused this long is no longer asked for in metadata refreshes (Kafka's metadata.max.idle.ms). */
export const TOPIC_IDLE_MS = 5 * 60_000;
/** Topics one client tracks at once; each costs a few bytes per partition per refresh. */
export const MAX_TRACKED_TOPICS = 10_000;
