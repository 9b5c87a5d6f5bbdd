/**
 * FindCoordinator for the two kinds of coordinator (groups on __consumer_offsets,
 * transactional ids on __transaction_state), answered from the metadata by any broker:
 * the leader of the key's home partition of the internal topic. When the topic does not
 * exist yet, the active controller creates it (clients ask the controller first for that
 * reason); other brokers answer COORDINATOR_NOT_AVAILABLE, a retriable error.
 */
import { NO_ERROR } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import type { Controller, NewTopicSpec } from "../cluster/controller.js";
import type { MetadataImage } from "../cluster/metadata-image.js";
import type { Logger } from "../common/logger.js";

export interface CoordinatorLookup {
  readonly image: MetadataImage;
  readonly controller: Controller;
  readonly logger: Logger;
  /** The internal topic, as the controller creates it on first use. */
  readonly topic: NewTopicSpec;
  /** The key's home partition among `partitionCount`. */
  readonly partitionFor: (partitionCount: number) => number;
}

export function findCoordinator(lookup: CoordinatorLookup): {
  error: { code: number; message: string };
  coordinatorId: number;
  coordinator: { id: number; host: string; port: number; httpPort: number; rack: string };
  partition: number;
} {
  const { image, controller, topic: spec } = lookup;
  const name = spec.name;
  const topic = image.topics.get(name);
  if (!topic) {
    if (controller.isActive) {
      controller
        .ensureInternalTopic(spec)
        .catch((e: unknown) => lookup.logger.warn({ err: (e as Error).message }, `could not create ${name}`));
    }
    throw new TidelogError(
      "COORDINATOR_NOT_AVAILABLE",
      controller.isActive
        ? `creating ${name}; try again shortly`
        : `${name} does not exist yet; the controller (broker ${image.controller()?.brokerId ?? "unknown"}) creates it when asked`,
    );
  }
  const partition = lookup.partitionFor(topic.value.assignment.length);
  const leader = image.partitionState(name, partition)?.value.leader ?? -1;
  const broker = leader >= 0 ? image.brokers.get(leader)?.value : undefined;
  if (!broker) throw new TidelogError("COORDINATOR_NOT_AVAILABLE", `${name}-${partition} has no live leader`);
  return {
    error: NO_ERROR,
    coordinatorId: broker.id,
    coordinator: {
      id: broker.id,
      host: broker.host,
      port: broker.port,
      httpPort: broker.httpPort,
      rack: broker.rack ?? "",
    },
    partition,
  };
}
