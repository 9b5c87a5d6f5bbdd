/**
 * A partition leader's step before it accepts the first batch of a transaction (Kafka's
 * KIP-890 part 2): the transaction's coordinator adds this partition to the producer's
 * transaction at the batch's producer id and epoch (starting the transaction if none is
 * open), durably, before the batch is appended. The coordinator refuses an old epoch:
 * the epoch moves at every commit and abort, so a batch that arrives after its
 * transaction ended (a retry delayed in the network, a zombie producer) cannot open a
 * transaction no coordinator knows of, whose partition's last stable offset would hang
 * until an operator aborted it. The producer sends no AddPartitionsToTxn of its own.
 *
 * Later batches of the same transaction on the partition are not checked again: the
 * partition's producer state already holds the open transaction at that epoch, and the
 * producer epoch fences anything older. A batch of the next transaction that arrives
 * before the previous one's marker joins as a first batch: the coordinator answers once
 * every marker of the previous transaction is written, so the marker lands first and
 * cannot end the new transaction's records with the old ones.
 */
import {
  ATTRIBUTES_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  readInt64,
  TidelogError,
  TRANSACTIONAL_FLAG,
} from "@tidelog/client/record";
import type { MetadataImage } from "../cluster/metadata-image.js";
import type { TopicPartition } from "../common/topic-partition.js";
import type { Partition } from "../replication/partition.js";
import { transactionPartitionFor } from "./transaction-coordinator.js";
import { TRANSACTION_TOPIC } from "./transaction-records.js";

export interface TransactionVerifierDeps {
  readonly brokerId: number;
  readonly image: () => MetadataImage;
  /** The join at the coordinator: this broker's own, or a JoinTxnPartition call to another. */
  readonly joinAt: (
    coordinatorId: number,
    request: { transactionalId: string; producerId: number; producerEpoch: number; partition: TopicPartition },
  ) => Promise<void>;
}

export class TransactionVerifier {
  constructor(private readonly deps: TransactionVerifierDeps) {}

  /** Resolves when `records` may be appended to `partition` as far as transactions go (its partition joined); throws the refusal otherwise. */
  async verify(partition: Partition, transactionalId: string, records: Buffer): Promise<void> {
    if (records.length <= ATTRIBUTES_OFFSET + 2) return;
    const transactional = (records.readInt16BE(ATTRIBUTES_OFFSET) & TRANSACTIONAL_FLAG) !== 0;
    if (!transactional) return;
    if (transactionalId === "") {
      throw new TidelogError("INVALID_TXN_STATE", "a transactional batch needs the producer's transactional id");
    }
    const producerId = readInt64(records, PRODUCER_ID_OFFSET);
    const producerEpoch = records.readInt16BE(PRODUCER_EPOCH_OFFSET);
    if (partition.log.producers.inTransaction(producerId, producerEpoch)) return;
    const image = this.deps.image();
    const n = image.topics.get(TRANSACTION_TOPIC)?.value.assignment.length ?? 0;
    if (n === 0) throw new TidelogError("COORDINATOR_NOT_AVAILABLE", `${TRANSACTION_TOPIC} does not exist`);
    const coordinatorId =
      image.partitionState(TRANSACTION_TOPIC, transactionPartitionFor(transactionalId, n))?.value.leader ?? -1;
    if (coordinatorId < 0) throw new TidelogError("COORDINATOR_NOT_AVAILABLE", `no coordinator for ${transactionalId}`);
    await this.deps.joinAt(coordinatorId, { transactionalId, producerId, producerEpoch, partition: partition.tp });
  }
}
