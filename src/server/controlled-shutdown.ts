/**
 * Kafka's controlled shutdown: before a broker stops, the controller moves every
 * leadership it can away from it, so clients see a leader change (NOT_LEADER_OR_FOLLOWER,
 * a metadata refresh) instead of a leader that stops answering, and acks=all writes in
 * flight complete on the followers that stay.
 *
 * The broker marks its registration `controlledShutdown`; the controller treats it as
 * ineligible (partition-leader-election.ts, rule 3): leaderships move to other in-sync
 * replicas and it leaves ISRs. The broker waits, bounded, until it leads no partition
 * that another live, eligible ISR member could lead; one with no such member stays with
 * it (moving it would take it offline) and moves when the broker deregisters.
 */
import type { BrokerRegistration } from "../cluster/broker-registration.js";
import type { MetadataImage } from "../cluster/metadata-image.js";
import { type Clock, sleep } from "../common/clock.js";
import type { Logger } from "../common/logger.js";

export interface ControlledShutdownDeps {
  readonly brokerId: number;
  readonly registration: BrokerRegistration;
  readonly image: () => MetadataImage;
  readonly clock: Clock;
  readonly logger: Logger;
  /** controlled.shutdown.timeout.ms; 0 skips the wait. */
  readonly timeoutMs: number;
}

/** How often the wait looks at the metadata. */
const POLL_MS = 50;
/**
 * The flag must reach the metadata within this long, or etcd is out of reach and nobody
 * will move anything: then the broker stops without waiting out the whole timeout.
 */
const FLAG_VISIBLE_MS = 2_000;

export async function controlledShutdown(deps: ControlledShutdownDeps): Promise<void> {
  const { brokerId, clock, logger } = deps;
  if (deps.timeoutMs <= 0 || !deps.registration.setControlledShutdown()) return;
  const started = clock.nowMs();
  const before = movableLeaderships(deps.image(), brokerId);
  logger.info({ leaderships: before }, "controlled shutdown: moving leaderships away");
  let left = before;
  while (left > 0 && clock.nowMs() - started < deps.timeoutMs) {
    await sleep(clock, POLL_MS);
    const image = deps.image();
    left = movableLeaderships(image, brokerId);
    if (!image.brokers.get(brokerId)?.value.controlledShutdown && clock.nowMs() - started > FLAG_VISIBLE_MS) {
      logger.warn("controlled shutdown: the registration update did not reach etcd; stopping without it");
      break;
    }
  }
  const led = ledBy(deps.image(), brokerId);
  logger.info(
    { moved: before - left, stillLed: led, ms: clock.nowMs() - started, timedOut: left > 0 },
    "controlled shutdown: leaderships moved",
  );
}

/** Partitions this broker leads that another live, eligible ISR member could lead. */
function movableLeaderships(image: MetadataImage, brokerId: number): number {
  const alive = image.liveBrokerIds();
  const ineligible = image.ineligibleBrokers();
  let count = 0;
  for (const state of image.partitions.values()) {
    const s = state.value;
    if (s.leader === brokerId && s.isr.some((r) => r !== brokerId && alive.has(r) && !ineligible.has(r))) count++;
  }
  return count;
}

function ledBy(image: MetadataImage, brokerId: number): number {
  let count = 0;
  for (const state of image.partitions.values()) if (state.value.leader === brokerId) count++;
  return count;
}
