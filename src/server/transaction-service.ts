/**
 * The gRPC Transaction service: finding a transactional id's coordinator, partitions and
 * group offsets joining a transaction, EndTxn, the partition leaders' verification
 * (KIP-890 part 1), and listing/describing transactions. Every request is validated
 * here, at the edge, and answered with a typed error; the TransactionCoordinator does the
 * work.
 *
 * FindTransactionCoordinator is answered from the metadata by any broker. When
 * __transaction_state does not exist yet, the active controller creates it (compacted,
 * transaction.state.log.num.partitions partitions, min(replication factor, brokers)
 * replicas, transaction.state.log.min.isr); other brokers answer
 * COORDINATOR_NOT_AVAILABLE, a retriable error.
 */
import type * as grpc from "@grpc/grpc-js";
import { errorInfo, NO_ERROR, topicNameProblem, type wire } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import type { Controller } from "../cluster/controller.js";
import type { MetadataImage } from "../cluster/metadata-image.js";
import type { Logger } from "../common/logger.js";
import { asServerError } from "../common/server-error.js";
import type { TopicPartition } from "../common/topic-partition.js";
import { groupIdProblem, OFFSETS_TOPIC, offsetsPartitionFor } from "../group/group-partition.js";
import type { TransactionCoordinator } from "../txn/transaction-coordinator.js";
import { transactionPartitionFor } from "../txn/transaction-coordinator.js";
import {
  type TransactionMetadata,
  TXN_STATES,
  type TxnState,
  transactionalIdProblem,
} from "../txn/transaction-metadata.js";
import { TRANSACTION_TOPIC } from "../txn/transaction-records.js";
import { findCoordinator as findInternalCoordinator } from "./coordinator-lookup.js";
import { serveOrderedStream } from "./ordered-stream.js";
import { refusableStream } from "./request-limits.js";
import { unary } from "./unary-handler.js";

export interface TransactionLogConfig {
  /** transaction.state.log.num.partitions */
  readonly numPartitions: number;
  /** transaction.state.log.replication.factor */
  readonly replicationFactor: number;
  /** transaction.state.log.min.isr */
  readonly minIsr: number;
  /** transaction.state.log.segment.bytes */
  readonly segmentBytes: number;
}

export interface TransactionServiceDeps {
  readonly image: () => MetadataImage;
  readonly controller: Controller;
  readonly coordinator: TransactionCoordinator;
  readonly config: TransactionLogConfig;
  /** Client quotas on an EndTxn stream (quota-enforcement.ts requestStreamThrottle). */
  readonly streamThrottle?: (
    call: grpc.ServerDuplexStream<wire.EndTxnRequest__Output, wire.EndTxnResponse>,
  ) => ((req: wire.EndTxnRequest__Output) => Promise<number> | null) | null;
  readonly logger: Logger;
}

/** Bounds on one request. */
export const TXN_LIMITS = {
  partitionsPerRequest: 10_000,
  idsPerRequest: 1000,
  /** EndTxn requests a stream may have unanswered before the broker stops reading it (a producer has one). */
  endTxnStreamInFlightMax: 16,
};

function checkTransactionalId(id: string): void {
  const problem = transactionalIdProblem(id);
  if (problem) throw new TidelogError("INVALID_REQUEST", problem);
}

function checkProducer(producerId: number, producerEpoch: number): void {
  if (!Number.isSafeInteger(producerId) || producerId < 0 || !Number.isInteger(producerEpoch) || producerEpoch < 0) {
    throw new TidelogError("INVALID_REQUEST", `producer id ${producerId} / epoch ${producerEpoch} is not valid`);
  }
}

function partitionsOf(topics: readonly wire.TxnTopicPartitions__Output[]): TopicPartition[] {
  const out: TopicPartition[] = [];
  for (const t of topics) {
    const problem = topicNameProblem(t.topic);
    if (problem) throw new TidelogError("INVALID_TOPIC_EXCEPTION", problem);
    for (const partition of t.partitions) {
      if (!Number.isInteger(partition) || partition < 0) {
        throw new TidelogError("INVALID_REQUEST", `partition ${partition} of ${t.topic} is not valid`);
      }
      out.push({ topic: t.topic, partition });
    }
    if (out.length > TXN_LIMITS.partitionsPerRequest) {
      throw new TidelogError("INVALID_REQUEST", `at most ${TXN_LIMITS.partitionsPerRequest} partitions per request`);
    }
  }
  if (out.length === 0) throw new TidelogError("INVALID_REQUEST", "no partitions named");
  return out;
}

function toTopics(partitions: readonly TopicPartition[]): wire.TxnTopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const tp of partitions) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
  return [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps }));
}

/**
 * JoinTxnPartition, a partition leader adding its partition to a producer's transaction
 * before the first batch (transaction-verifier.ts): as a unary call or on a PeerStream.
 */
export async function joinTxnPartition(
  coordinator: TransactionCoordinator,
  req: wire.JoinTxnPartitionRequest__Output,
): Promise<wire.JoinTxnPartitionResponse> {
  checkTransactionalId(req.transactionalId);
  checkProducer(req.producerId, req.producerEpoch);
  if (req.topic === TRANSACTION_TOPIC) {
    throw new TidelogError("INVALID_TOPIC_EXCEPTION", `${TRANSACTION_TOPIC} cannot be written in a transaction`);
  }
  await coordinator.addPartitionsToTxn(req.transactionalId, req.producerId, req.producerEpoch, [
    { topic: req.topic, partition: req.partition },
  ]);
  return { error: NO_ERROR };
}

export function transactionHandlers(deps: TransactionServiceDeps): wire.TransactionHandlers {
  const { logger, coordinator } = deps;
  const onlyError = (e: TidelogError) => ({ error: errorInfo(e) });
  const endTxnError = (e: TidelogError, req?: wire.EndTxnRequest__Output): wire.EndTxnResponse => ({
    error: errorInfo(e),
    producerId: -1,
    producerEpoch: -1,
    correlationId: req?.correlationId ?? 0,
  });
  const endTxn = async (req: wire.EndTxnRequest__Output): Promise<wire.EndTxnResponse> => {
    checkTransactionalId(req.transactionalId);
    checkProducer(req.producerId, req.producerEpoch);
    const next = await coordinator.endTxn(req.transactionalId, req.producerId, req.producerEpoch, req.commit);
    return {
      error: NO_ERROR,
      producerId: next.producerId,
      producerEpoch: next.producerEpoch,
      correlationId: req.correlationId,
    };
  };
  return {
    FindTransactionCoordinator: unary(
      logger,
      (e) => ({ error: errorInfo(e), coordinatorId: -1, coordinator: null, partition: -1 }),
      (req: wire.FindTransactionCoordinatorRequest__Output) => {
        checkTransactionalId(req.transactionalId);
        return findCoordinator(deps, req.transactionalId);
      },
    ),

    AddPartitionsToTxn: unary(logger, onlyError, async (req: wire.AddPartitionsToTxnRequest__Output) => {
      checkTransactionalId(req.transactionalId);
      checkProducer(req.producerId, req.producerEpoch);
      const partitions = partitionsOf(req.topics);
      if (partitions.some((tp) => tp.topic === TRANSACTION_TOPIC)) {
        throw new TidelogError("INVALID_TOPIC_EXCEPTION", `${TRANSACTION_TOPIC} cannot be written in a transaction`);
      }
      await coordinator.addPartitionsToTxn(req.transactionalId, req.producerId, req.producerEpoch, partitions);
      return { error: NO_ERROR };
    }),

    AddOffsetsToTxn: unary(logger, onlyError, async (req: wire.AddOffsetsToTxnRequest__Output) => {
      checkTransactionalId(req.transactionalId);
      checkProducer(req.producerId, req.producerEpoch);
      const problem = req.groupId.length === 0 ? "a group id is required" : groupIdProblem("group", req.groupId);
      if (problem) throw new TidelogError("INVALID_GROUP_ID", problem);
      const offsets = deps.image().topics.get(OFFSETS_TOPIC);
      if (!offsets) {
        throw new TidelogError(
          "COORDINATOR_NOT_AVAILABLE",
          `${OFFSETS_TOPIC} does not exist yet; find the group's coordinator first`,
        );
      }
      const partition = offsetsPartitionFor(req.groupId, offsets.value.assignment.length);
      await coordinator.addPartitionsToTxn(req.transactionalId, req.producerId, req.producerEpoch, [
        { topic: OFFSETS_TOPIC, partition },
      ]);
      return { error: NO_ERROR };
    }),

    EndTxn: unary(logger, endTxnError, endTxn),

    EndTxnStream: refusableStream(
      (call: grpc.ServerDuplexStream<wire.EndTxnRequest__Output, wire.EndTxnResponse>) =>
        serveOrderedStream(call, {
          handle: (req) => endTxn(req).catch((e: unknown) => endTxnError(asServerError(e, logger), req)),
          inFlightMax: TXN_LIMITS.endTxnStreamInFlightMax,
          throttle: deps.streamThrottle?.(call) ?? null,
          logger,
          what: "EndTxn stream",
        }),
      (req: wire.EndTxnRequest__Output, e: TidelogError) => endTxnError(e, req),
    ),

    JoinTxnPartition: unary(logger, onlyError, (req: wire.JoinTxnPartitionRequest__Output) =>
      joinTxnPartition(coordinator, req),
    ),

    ListTransactions: unary(
      logger,
      (e) => ({ error: errorInfo(e), transactions: [] }),
      (req: wire.ListTransactionsRequest__Output) => {
        const unknown = req.states.filter((s) => !(TXN_STATES as readonly string[]).includes(s));
        if (unknown.length > 0) {
          throw new TidelogError(
            "INVALID_REQUEST",
            `unknown state(s) ${unknown.join(", ")}; states are ${TXN_STATES.join(", ")}`,
          );
        }
        return {
          error: NO_ERROR,
          transactions: coordinator
            .listTransactions(req.states as TxnState[])
            .map((m) => ({ transactionalId: m.transactionalId, producerId: m.producerId, state: m.state })),
        };
      },
    ),

    AbortTransaction: unary(logger, onlyError, async (req: wire.AbortTransactionRequest__Output) => {
      checkTransactionalId(req.transactionalId);
      await coordinator.abortTransaction(req.transactionalId);
      return { error: NO_ERROR };
    }),

    DescribeTransactions: unary(
      logger,
      (e) => ({ transactions: [{ transactionalId: "", error: errorInfo(e) }] }),
      (req: wire.DescribeTransactionsRequest__Output) => {
        if (req.transactionalIds.length > TXN_LIMITS.idsPerRequest) {
          throw new TidelogError(
            "INVALID_REQUEST",
            `at most ${TXN_LIMITS.idsPerRequest} transactional ids per request`,
          );
        }
        return {
          transactions: req.transactionalIds.map((id) => {
            try {
              checkTransactionalId(id);
              return describe(coordinator.describe(id), deps);
            } catch (e) {
              return { transactionalId: id, error: errorInfo(asServerError(e, deps.logger)) };
            }
          }),
        };
      },
    ),
  };
}

function describe(m: TransactionMetadata, deps: TransactionServiceDeps): wire.TransactionDescription {
  const image = deps.image();
  const n = image.topics.get(TRANSACTION_TOPIC)?.value.assignment.length ?? 0;
  const leader =
    n > 0
      ? (image.partitionState(TRANSACTION_TOPIC, transactionPartitionFor(m.transactionalId, n))?.value.leader ?? -1)
      : -1;
  return {
    transactionalId: m.transactionalId,
    error: NO_ERROR,
    state: m.state,
    producerId: m.producerId,
    producerEpoch: m.producerEpoch,
    timeoutMs: m.timeoutMs,
    startMs: m.startMs,
    topics: toTopics(m.partitions),
    coordinatorId: leader,
  };
}

function findCoordinator(
  deps: TransactionServiceDeps,
  transactionalId: string,
): wire.FindTransactionCoordinatorResponse {
  const { config } = deps;
  const image = deps.image();
  return findInternalCoordinator({
    image,
    controller: deps.controller,
    logger: deps.logger,
    topic: {
      name: TRANSACTION_TOPIC,
      partitions: config.numPartitions,
      replicationFactor: config.replicationFactor,
      configs: {
        "cleanup.policy": "compact",
        "segment.bytes": String(config.segmentBytes),
        // A cluster smaller than the replication factor gets fewer replicas: never ask
        // for more in-sync ones than it will have.
        "min.insync.replicas": String(
          Math.min(config.minIsr, config.replicationFactor, Math.max(1, image.liveBrokerIds().size)),
        ),
      },
    },
    partitionFor: (n) => transactionPartitionFor(transactionalId, n),
  });
}
