/**
 * Publish-to-acknowledge latency at a fixed offered rate, for any client: `send` starts one
 * publish and resolves when the system acknowledges it. Sends are scheduled on a timeline
 * (the i-th at start + i/rate), not after the previous answer, so a slow answer does not
 * lower the offered load and hide itself (no coordinated omission); each latency is timed
 * from the moment its send started.
 */
/**
 * Seconds at the measured rate before a latency run is measured, on the same topic.
 * A tidelog cluster's low-rate path (one small request a millisecond, a long poll woken
 * per append) runs cold for its first 15-20 s even after throughput rows warmed the
 * brokers: at RF 3 acks=all and 5,000 records/s, broker CPU fell from 0.28-0.30 to
 * 0.21-0.23 cores each between seconds 5-10 and 15-20, the JavaScript share of a CPU
 * profile (grpc-js, protobufjs, replication) fell by half to two thirds while native work
 * stayed, V8 was still optimising functions at second 17, and p99 went 5.7-8.1, 3.0-6.3,
 * 2.0-3.4 ms over consecutive 5 s rounds (2026-12-04). OpenMessaging's harness warms up
 * for a minute by default; 30 s is past every settling seen here.
 */
export const LATENCY_WARMUP_SECONDS = 30;

export interface Percentiles {
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly samples: number;
}

/** Nearest-rank percentiles of `values` (sorted in place). */
export function percentiles(values: number[]): Percentiles {
  values.sort((a, b) => a - b);
  const at = (p: number) => values[Math.min(values.length - 1, Math.ceil(p * values.length) - 1)] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999), samples: values.length };
}

/** Milliseconds from each send to its acknowledgement, `perSecond` sends a second for `seconds`. */
export async function fixedRateLatency(
  send: () => Promise<unknown>,
  perSecond: number,
  seconds: number,
): Promise<Percentiles> {
  const total = Math.round(perSecond * seconds);
  const latencies = new Float64Array(total);
  // Counted, not kept: holding every send's promise to the end (as Promise.all would)
  // keeps tens of thousands alive in the measuring process for the whole run, and its
  // own garbage collection is part of what the tail measures.
  let answered = 0;
  let failure: unknown = null;
  let allAnswered: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allAnswered = resolve;
  });
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    // Timers are only good to about a millisecond: below that, send now and catch up.
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const sentAt = performance.now();
    send().then(
      () => {
        latencies[i] = performance.now() - sentAt;
        if (++answered === total) allAnswered();
      },
      (e: unknown) => {
        failure ??= e;
        if (++answered === total) allAnswered();
      },
    );
  }
  if (total > 0) await done;
  if (failure !== null) throw failure;
  return percentiles(Array.from(latencies));
}
