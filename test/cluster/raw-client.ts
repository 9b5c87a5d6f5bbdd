/**
 * A minimal client of the Broker service for tests that must control every byte and
 * every retry themselves (the SDK's producer would hide the retries they test).
 */
import * as grpc from "@grpc/grpc-js";
import { CHANNEL_OPTIONS, loadTidelogProto, type wire } from "@tidelog/client/protocol";
import { decodeRecordBatches, encodeRecordBatch } from "@tidelog/client/record";

type Unary<Req, Res> = (
  req: Req,
  options: grpc.CallOptions,
  cb: (e: grpc.ServiceError | null, res?: Res) => void,
) => void;

interface BrokerStub extends grpc.Client {
  Metadata: Unary<wire.MetadataRequest, wire.MetadataResponse__Output>;
  Produce: Unary<wire.ProduceRequest, wire.ProduceResponse__Output>;
  Fetch: Unary<wire.FetchRequest, wire.FetchResponse__Output>;
  ListOffsets: Unary<wire.ListOffsetsRequest, wire.ListOffsetsResponse__Output>;
  InitProducerId: Unary<wire.InitProducerIdRequest, wire.InitProducerIdResponse__Output>;
}

const proto = loadTidelogProto(grpc);

export class RawBroker {
  private readonly stub: BrokerStub;

  constructor(readonly address: string) {
    const Ctor = proto.tidelog.v1.Broker as unknown as new (
      a: string,
      c: grpc.ChannelCredentials,
      o: grpc.ChannelOptions,
    ) => BrokerStub;
    this.stub = new Ctor(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  }

  close(): void {
    this.stub.close();
  }

  private call<Req, Res>(fn: Unary<Req, Res>, req: Req, timeoutMs = 15_000): Promise<Res> {
    return new Promise((resolve, reject) =>
      fn.call(this.stub, req, { deadline: Date.now() + timeoutMs }, (e, res) =>
        e || !res ? reject(e ?? new Error("no response")) : resolve(res),
      ),
    );
  }

  metadata(topics: string[] = []): Promise<wire.MetadataResponse__Output> {
    return this.call(this.stub.Metadata, { topics });
  }

  /** Produces one batch to one partition; returns the partition's answer. */
  async produce(
    topic: string,
    partition: number,
    records: Buffer,
    acks: number,
    timeoutMs = 10_000,
    transactionalId = "",
  ): Promise<wire.PartitionProduceResponse__Output> {
    const res = await this.call(
      this.stub.Produce,
      { acks, timeoutMs, transactionalId, topics: [{ topic, partitions: [{ partition, records }] }] },
      timeoutMs + 5000,
    );
    const answer = res.topics[0]?.partitions[0];
    if (!answer) throw new Error("empty produce response");
    return answer;
  }

  /**
   * Produces, retrying while the partition is not ready here yet (UNKNOWN_TOPIC_OR_PARTITION,
   * LEADER_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER right after creation), as any client does.
   */
  async produceWhenReady(
    topic: string,
    partition: number,
    records: Buffer,
    acks: number,
  ): Promise<wire.PartitionProduceResponse__Output> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.produce(topic, partition, Buffer.from(records), acks);
      if (![3, 5, 6].includes(res.error?.code ?? 0) || attempt >= 50) return res;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async fetch(
    topic: string,
    partition: number,
    offset: number,
    maxWaitMs = 0,
  ): Promise<wire.PartitionFetchResponse__Output> {
    const res = await this.call(this.stub.Fetch, {
      maxWaitMs,
      minBytes: 1,
      maxBytes: 16 << 20,
      topics: [
        { topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 8 << 20, currentLeaderEpoch: -1 }] },
      ],
    });
    const answer = res.topics[0]?.partitions[0];
    if (!answer) throw new Error("empty fetch response");
    return answer;
  }

  async listOffset(
    topic: string,
    partition: number,
    timestamp: number,
  ): Promise<wire.PartitionListOffsetsResponse__Output> {
    const res = await this.call(this.stub.ListOffsets, { topics: [{ topic, partitions: [{ partition, timestamp }] }] });
    const answer = res.topics[0]?.partitions[0];
    if (!answer) throw new Error("empty list-offsets response");
    return answer;
  }

  initProducerId(transactionalId = "", transactionTimeoutMs = 0): Promise<wire.InitProducerIdResponse__Output> {
    return this.call(this.stub.InitProducerId, { transactionalId, transactionTimeoutMs });
  }

  /** Every record value from `offset` up to the high watermark. */
  async readValues(topic: string, partition: number, offset = 0): Promise<{ offset: number; value: string }[]> {
    const out: { offset: number; value: string }[] = [];
    let next = offset;
    for (let i = 0; i < 1000; i++) {
      const res = await this.fetch(topic, partition, next);
      if (res.error?.code) throw new Error(`fetch error ${res.error.code}: ${res.error.message}`);
      if (res.records.length === 0) break;
      for (const b of decodeRecordBatches(res.records)) {
        for (const r of b.records)
          if (r.offset >= next) out.push({ offset: r.offset, value: r.value?.toString() ?? "" });
      }
      next = (out[out.length - 1]?.offset ?? next - 1) + 1;
      if (next >= Number(res.highWatermark)) break;
    }
    return out;
  }
}

export function batch(
  values: string[],
  producer?: { id: number; epoch: number; seq: number; transactional?: boolean },
): Buffer {
  return encodeRecordBatch({
    records: values.map((value) => ({ value })),
    ...(producer
      ? {
          producerId: producer.id,
          producerEpoch: producer.epoch,
          baseSequence: producer.seq,
          transactional: producer.transactional ?? false,
        }
      : {}),
  });
}
