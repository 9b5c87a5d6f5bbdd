/**
 * A typed doorway into kafkajs 2.2's internal RecordBatch v2 encoder and decoder, the
 * independent implementation the compatibility tests compare against. kafkajs ships no
 * types for these modules, so the shapes below are written from its source
 * (src/protocol/recordBatch/v0, record/v0, encoder.js, decoder.js) and kept to what the
 * tests use.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** kafkajs's BigInt-backed int64. */
export interface KafkaLong {
  toString(): string;
}

interface KafkaLongStatic {
  fromValue(value: number | string): KafkaLong;
}

/** kafkajs's growable write buffer; `buffer` is the bytes written so far. */
export interface KafkaEncoder {
  readonly buffer: Buffer;
}

export type KafkaHeaders = { [key: string]: Buffer | string | (Buffer | string)[] };

export interface KafkaRecordInput {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: KafkaHeaders;
}

export interface KafkaRecordBatchInput {
  compression: number;
  firstOffset: KafkaLong;
  firstTimestamp: number;
  maxTimestamp: number;
  partitionLeaderEpoch: number;
  lastOffsetDelta: number;
  transactional: boolean;
  producerId: KafkaLong;
  producerEpoch: number;
  firstSequence: number;
  records: KafkaEncoder[];
}

export interface KafkaDecodedRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: { [key: string]: Buffer | null | (Buffer | null)[] };
  isControlRecord: boolean;
}

export interface KafkaDecodedBatch {
  firstOffset: string;
  firstTimestamp: string;
  maxTimestamp: string;
  partitionLeaderEpoch: number;
  inTransaction: boolean;
  isControlBatch: boolean;
  lastOffsetDelta: number;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  timestampType: number;
  records: KafkaDecodedRecord[];
}

interface KafkaDecoderStatic {
  new (buffer: Buffer): object;
}

const Long = require("kafkajs/src/utils/long") as KafkaLongStatic;
const Decoder = require("kafkajs/src/protocol/decoder") as KafkaDecoderStatic;
const encodeRecord = require("kafkajs/src/protocol/recordBatch/record/v0") as (input: KafkaRecordInput) => KafkaEncoder;
const { RecordBatch } = require("kafkajs/src/protocol/recordBatch/v0") as {
  RecordBatch: (input: KafkaRecordBatchInput) => Promise<KafkaEncoder>;
};
const decodeBatch = require("kafkajs/src/protocol/recordBatch/v0/decoder") as (
  decoder: object,
) => Promise<KafkaDecodedBatch>;

/** kafkajs's compression ids (src/protocol/message/compression). */
export const KafkaCompression = { none: 0, gzip: 1 } as const;

export function kafkaLong(value: number): KafkaLong {
  return Long.fromValue(value);
}

export function kafkaRecord(input: KafkaRecordInput): KafkaEncoder {
  return encodeRecord(input);
}

export async function kafkaRecordBatch(input: KafkaRecordBatchInput): Promise<Buffer> {
  return (await RecordBatch(input)).buffer;
}

/** Decodes the one batch at the start of `buf` with kafkajs's fetch-path decoder. */
export function kafkaDecodeBatch(buf: Buffer): Promise<KafkaDecodedBatch> {
  return decodeBatch(new Decoder(buf));
}
