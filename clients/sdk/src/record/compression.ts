/**
 * The compression codecs of RecordBatch v2, by the id stored in the low three bits of
 * the batch attributes: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. A compressed batch
 * keeps its 61-byte header in the clear and compresses only the records after it.
 *
 * Each codec writes what Kafka's Java client writes, so any Kafka consumer can read a
 * tidelog batch, and reads what the common clients write:
 *
 * - gzip: an RFC 1952 stream (node:zlib, default level 6 as Java's GZIPOutputStream).
 * - snappy: xerial snappy-java framing, which Kafka's Java client uses:
 *
 *     82 53 4e 41 50 50 59 00   magic: 0x82 "SNAPPY" 0x00
 *     00 00 00 01               version 1
 *     00 00 00 01               minimum compatible version 1
 *     00 00 00 0e               block length 14 (int32, big-endian), then the block:
 *     0c 2c 48 65 6c ... 21     raw snappy of "Hello world!" (uvarint length 12, literal)
 *
 *   with one block per 32 KiB of input. Reading accepts that framing and also a bare raw
 *   snappy block, which kafkajs-snappy and librdkafka write.
 * - lz4: the LZ4 frame format (magic 04 22 4d 18), as Kafka has used since KIP-57;
 *   concatenated and skippable frames are read too.
 * - zstd: a Zstandard frame (default level 3, as Kafka's). Its native module may be
 *   missing where an installer skipped its build script (zstd-native.ts): then zstd alone
 *   fails, with UNSUPPORTED_COMPRESSION_TYPE and what to do.
 *
 * Decompression is bounded: `maxBytes` caps the output, and a payload whose declared or
 * worst-case output exceeds it is refused before anything that large is allocated
 * (MESSAGE_TOO_LARGE), so a small "zip bomb" batch cannot exhaust the heap: gzip stops
 * at the limit, snappy and lz4 sizes are read from the framing (lz4 by walking each
 * block's sequences) before decoding, zstd uses declared frame sizes or decodes in
 * bounded chunks. Malformed input of any codec ends in CORRUPT_MESSAGE, never in a raw
 * library error.
 *
 * All codecs run synchronously on the calling thread and keep no state between calls,
 * so they are safe to call from anywhere.
 */

import { constants as bufferConstants } from "node:buffer";
import { gunzipSync, gzipSync } from "node:zlib";
import { compressFrameSync, decompressFrameSync } from "lz4-napi";
import { compressSync as snappyCompressSync, uncompressSync as snappyUncompressSync } from "snappy";
import { TidelogError } from "../errors.js";
import { COMPRESSION_NAMES, type CompressionName, CompressionType } from "./batch-header.js";
import { zstdNative } from "./zstd-native.js";

export interface CompressionCodec {
  readonly id: number;
  readonly name: CompressionName;
  compress(data: Buffer): Buffer;
  /**
   * Returns the original bytes. Throws TidelogError MESSAGE_TOO_LARGE when the output
   * would exceed `maxBytes`, CORRUPT_MESSAGE when `data` is not a valid payload.
   */
  decompress(data: Buffer, maxBytes: number): Buffer;
}

function corrupt(codec: CompressionName, detail: string, cause?: unknown): TidelogError {
  return new TidelogError("CORRUPT_MESSAGE", `${codec} payload: ${detail}`, { cause });
}

function tooLarge(codec: CompressionName, bytes: number, maxBytes: number): TidelogError {
  return new TidelogError(
    "MESSAGE_TOO_LARGE",
    `${codec} payload decompresses to ${bytes} bytes or more, over the limit of ${maxBytes}`,
  );
}

/** Runs a library call, turning whatever it throws (other than our own errors) into CORRUPT_MESSAGE. */
function guarded<T>(codec: CompressionName, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TidelogError) throw e;
    throw corrupt(codec, e instanceof Error ? e.message : String(e), e);
  }
}

// ---------------------------------------------------------------------------- none

const none: CompressionCodec = {
  id: CompressionType.none,
  name: "none",
  compress: (data) => data,
  decompress: (data, maxBytes) => {
    if (data.length > maxBytes) throw tooLarge("none", data.length, maxBytes);
    return data;
  },
};

// ---------------------------------------------------------------------------- gzip

const gzip: CompressionCodec = {
  id: CompressionType.gzip,
  name: "gzip",
  compress: (data) => gzipSync(data),
  decompress: (data, maxBytes) => {
    try {
      // zlib stops and throws as soon as the output would pass maxOutputLength.
      const out = gunzipSync(data, { maxOutputLength: Math.max(1, Math.min(maxBytes, bufferConstants.MAX_LENGTH)) });
      if (out.length > maxBytes) throw tooLarge("gzip", out.length, maxBytes);
      return out;
    } catch (e) {
      if (e instanceof TidelogError) throw e;
      if ((e as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge("gzip", maxBytes + 1, maxBytes);
      throw corrupt("gzip", e instanceof Error ? e.message : String(e), e);
    }
  },
};

// -------------------------------------------------------------------------- snappy

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_VERSION = 1;
const XERIAL_MIN_COMPATIBLE_VERSION = 1;
const XERIAL_HEADER_BYTES = 16;
/** snappy-java's default block size, which Kafka's producer uses. */
const XERIAL_BLOCK_BYTES = 32 * 1024;

function encodeXerialSnappy(data: Buffer): Buffer {
  const blocks: Buffer[] = [];
  let total = XERIAL_HEADER_BYTES;
  for (let start = 0; start < data.length; start += XERIAL_BLOCK_BYTES) {
    const block = snappyCompressSync(data.subarray(start, Math.min(data.length, start + XERIAL_BLOCK_BYTES)));
    blocks.push(block);
    total += 4 + block.length;
  }
  const out = Buffer.allocUnsafe(total);
  XERIAL_MAGIC.copy(out, 0);
  out.writeInt32BE(XERIAL_VERSION, 8);
  out.writeInt32BE(XERIAL_MIN_COMPATIBLE_VERSION, 12);
  let pos = XERIAL_HEADER_BYTES;
  for (const block of blocks) {
    out.writeInt32BE(block.length, pos);
    block.copy(out, pos + 4);
    pos += 4 + block.length;
  }
  return out;
}

/** The uncompressed length a raw snappy block declares (its uvarint preamble, < 2^32). */
function rawSnappyLength(data: Buffer, start: number, end: number): number {
  let length = 0;
  let scale = 1;
  for (let pos = start; pos < end && pos < start + 5; pos++) {
    const b = data[pos] as number;
    length += (b & 0x7f) * scale;
    if (b < 0x80) {
      if (length > 0xffffffff) break;
      return length;
    }
    scale *= 128;
  }
  throw corrupt("snappy", `bad uncompressed-length preamble at byte ${start}`);
}

function uncompressRawSnappy(block: Buffer, expected: number): Buffer {
  const out = guarded("snappy", () => snappyUncompressSync(block, { asBuffer: true }));
  if (!Buffer.isBuffer(out) || out.length !== expected) {
    throw corrupt("snappy", `block decoded to ${out.length} bytes, its preamble said ${expected}`);
  }
  return out;
}

function isXerialFramed(data: Buffer): boolean {
  return data.length >= XERIAL_MAGIC.length && data.compare(XERIAL_MAGIC, 0, 8, 0, 8) === 0;
}

function decodeXerialSnappy(data: Buffer, maxBytes: number): Buffer {
  if (data.length < XERIAL_HEADER_BYTES) throw corrupt("snappy", "xerial header is truncated");
  // First pass: find the blocks and add up their declared sizes before allocating.
  const blocks: number[] = [];
  let total = 0;
  for (let pos = XERIAL_HEADER_BYTES; pos < data.length; ) {
    if (data.length - pos < 4) throw corrupt("snappy", `xerial block length at byte ${pos} is truncated`);
    const length = data.readInt32BE(pos);
    const start = pos + 4;
    if (length < 0 || length > data.length - start) {
      throw corrupt("snappy", `xerial block of ${length} bytes at byte ${pos} does not fit the payload`);
    }
    if (length > 0) {
      total += rawSnappyLength(data, start, start + length);
      if (total > maxBytes) throw tooLarge("snappy", total, maxBytes);
      blocks.push(start, start + length);
    }
    pos = start + length;
  }
  const out = Buffer.allocUnsafe(total);
  let written = 0;
  for (let i = 0; i < blocks.length; i += 2) {
    const start = blocks[i] as number;
    const end = blocks[i + 1] as number;
    const part = uncompressRawSnappy(data.subarray(start, end), rawSnappyLength(data, start, end));
    part.copy(out, written);
    written += part.length;
  }
  return out;
}

const snappy: CompressionCodec = {
  id: CompressionType.snappy,
  name: "snappy",
  compress: encodeXerialSnappy,
  decompress: (data, maxBytes) => {
    if (isXerialFramed(data)) return decodeXerialSnappy(data, maxBytes);
    const length = rawSnappyLength(data, 0, data.length);
    if (length > maxBytes) throw tooLarge("snappy", length, maxBytes);
    return uncompressRawSnappy(data, length);
  },
};

// ----------------------------------------------------------------------------- lz4

const LZ4_MAGIC = 0x184d2204;
const LZ4_SKIPPABLE_MAGIC = 0x184d2a50;
const LZ4_SKIPPABLE_MASK = 0xfffffff0;
/** Block maximum size by the BD byte's 3-bit code; codes 0-3 are reserved. */
const LZ4_BLOCK_MAX_BYTES = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];

interface Lz4Frame {
  readonly start: number;
  readonly end: number;
  /** Exact bytes the frame decodes to. */
  readonly size: number;
}

/**
 * The exact size an LZ4 block decodes to, found by walking its sequences without
 * copying anything: each sequence is a token (literal length high nibble, match length
 * low nibble, 15 meaning "more bytes follow, each adding up to 255"), the literals, and
 * a 2-byte match offset; the last sequence has literals only. Costs a few operations
 * per sequence, so the output can be bounded exactly before a byte of it is allocated.
 */
function lz4BlockDecodedSize(data: Buffer, start: number, end: number): number {
  let pos = start;
  let size = 0;
  for (;;) {
    if (pos >= end) throw corrupt("lz4", `block at byte ${start} ends inside a sequence`);
    const token = data[pos++] as number;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (pos >= end) throw corrupt("lz4", `block at byte ${start} ends inside a literal length`);
        b = data[pos++] as number;
        literals += b;
      } while (b === 255);
    }
    pos += literals;
    size += literals;
    if (pos === end) return size;
    if (pos + 2 > end) throw corrupt("lz4", `block at byte ${start} ends inside a sequence`);
    pos += 2;
    let match = token & 0x0f;
    if (match === 15) {
      let b: number;
      do {
        if (pos >= end) throw corrupt("lz4", `block at byte ${start} ends inside a match length`);
        b = data[pos++] as number;
        match += b;
      } while (b === 255);
    }
    size += match + 4;
  }
}

/**
 * Walks one frame starting at `start` without decoding it: checks the descriptor and
 * that every block, checksum and the end mark are present, and adds up the blocks'
 * decoded sizes. (lz4-napi alone would decode a frame cut short as if it had ended.)
 */
function scanLz4Frame(data: Buffer, start: number, maxBytes: number): Lz4Frame {
  const end = data.length;
  if (end - start < 7) throw corrupt("lz4", `frame header at byte ${start} is truncated`);
  const flg = data[start + 4] as number;
  const bd = data[start + 5] as number;
  if (flg >> 6 !== 1 || (flg & 0x02) !== 0) throw corrupt("lz4", `unsupported frame descriptor flags ${flg}`);
  const blockMax = LZ4_BLOCK_MAX_BYTES[(bd >> 4) & 0x07] ?? 0;
  if (blockMax === 0 || (bd & 0x8f) !== 0) throw corrupt("lz4", `invalid block descriptor ${bd}`);
  const blockChecksum = (flg & 0x10) !== 0;
  const hasContentSize = (flg & 0x08) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  const hasDictId = (flg & 0x01) !== 0;
  let pos = start + 6 + (hasContentSize ? 8 : 0) + (hasDictId ? 4 : 0) + 1;
  if (pos > end) throw corrupt("lz4", `frame header at byte ${start} is truncated`);
  if (hasContentSize) {
    // A decoder may allocate the declared size up front: bound it too.
    const high = data.readUInt32LE(start + 10);
    const declared = high > 0x1fffff ? Number.MAX_SAFE_INTEGER : high * 0x100000000 + data.readUInt32LE(start + 6);
    if (declared > maxBytes) throw tooLarge("lz4", declared, maxBytes);
  }
  let size = 0;
  for (;;) {
    if (end - pos < 4) throw corrupt("lz4", "frame ends without its end mark");
    const word = data.readUInt32LE(pos);
    pos += 4;
    if (word === 0) break;
    const stored = (word & 0x80000000) !== 0;
    const length = word & 0x7fffffff;
    if (length > blockMax)
      throw corrupt("lz4", `block of ${length} bytes exceeds the frame's block maximum ${blockMax}`);
    if (pos + length + (blockChecksum ? 4 : 0) > end) throw corrupt("lz4", "block runs past the end of the payload");
    const blockSize = stored ? length : lz4BlockDecodedSize(data, pos, pos + length);
    if (blockSize > blockMax) throw corrupt("lz4", `block decodes to ${blockSize} bytes, over its maximum ${blockMax}`);
    size += blockSize;
    if (size > maxBytes) throw tooLarge("lz4", size, maxBytes);
    pos += length + (blockChecksum ? 4 : 0);
  }
  if (contentChecksum) pos += 4;
  if (pos > end) throw corrupt("lz4", "content checksum is truncated");
  return { start, end: pos, size };
}

function decompressLz4(data: Buffer, maxBytes: number): Buffer {
  const frames: Lz4Frame[] = [];
  let total = 0;
  for (let pos = 0; pos < data.length; ) {
    if (data.length - pos < 8) throw corrupt("lz4", `${data.length - pos} stray bytes after the last frame`);
    const magic = data.readUInt32LE(pos);
    if ((magic & LZ4_SKIPPABLE_MASK) >>> 0 === LZ4_SKIPPABLE_MAGIC) {
      pos += 8 + data.readUInt32LE(pos + 4);
      if (pos > data.length) throw corrupt("lz4", "skippable frame runs past the end of the payload");
      continue;
    }
    if (magic !== LZ4_MAGIC) throw corrupt("lz4", `bad frame magic ${magic.toString(16)} at byte ${pos}`);
    const frame = scanLz4Frame(data, pos, maxBytes - total);
    total += frame.size;
    frames.push(frame);
    pos = frame.end;
  }
  if (frames.length === 0) throw corrupt("lz4", "no frame in the payload");
  const parts = frames.map((f) => {
    const part = guarded("lz4", () =>
      decompressFrameSync(f.end - f.start === data.length ? data : data.subarray(f.start, f.end)),
    );
    if (part.length !== f.size)
      throw corrupt("lz4", `frame decoded to ${part.length} bytes, its blocks hold ${f.size}`);
    return part;
  });
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, total);
}

const lz4: CompressionCodec = {
  id: CompressionType.lz4,
  name: "lz4",
  compress: (data) => compressFrameSync(data),
  decompress: decompressLz4,
};

// ---------------------------------------------------------------------------- zstd

/**
 * Window sizes a frame without a declared size may demand (the decoder allocates the
 * window up front): at least 8 MiB (zstd's level 19 uses 2^23), at most 128 MiB (zstd's
 * own default limit), otherwise the next power of two above the output limit.
 */
const ZSTD_WINDOW_LOG_FLOOR = 23;
const ZSTD_WINDOW_LOG_LIMIT = 27;
/** Output chunk for streaming decompression when a frame does not declare its size. */
const ZSTD_STREAM_CHUNK_BYTES = 128 * 1024;

/** Sum of the frames' declared sizes, or null when a frame does not declare one. */
function zstdDeclaredSize(data: Buffer, maxBytes: number): number | null {
  const zstdBinding = zstdNative().binding;
  let total = 0;
  for (let pos = 0; pos < data.length; ) {
    const frame = pos === 0 ? data : data.subarray(pos);
    const size = zstdBinding.getFrameContentSize(frame);
    if (size === null) return null;
    total += size;
    if (total > maxBytes) throw tooLarge("zstd", total, maxBytes);
    const frameBytes = zstdBinding.findFrameCompressedSize(frame);
    if (frameBytes <= 0) throw corrupt("zstd", `empty frame at byte ${pos}`);
    pos += frameBytes;
  }
  return total;
}

/**
 * Frames written by streaming compressors (Java's zstd-jni among them) carry no content
 * size: decode in chunks and stop as soon as the output passes the limit.
 */
function zstdStreamDecompress(data: Buffer, maxBytes: number): Buffer {
  const zstdBinding = zstdNative().binding;
  const dctx = new zstdBinding.DCtx();
  const windowLog = Math.min(
    ZSTD_WINDOW_LOG_LIMIT,
    Math.max(ZSTD_WINDOW_LOG_FLOOR, Math.ceil(Math.log2(maxBytes + 1))),
  );
  dctx.setParameter(zstdBinding.DParameter.windowLogMax, windowLog);
  const chunks: Buffer[] = [];
  let total = 0;
  let srcPos = 0;
  for (;;) {
    const room = Math.min(maxBytes - total + 1, Math.max(ZSTD_STREAM_CHUNK_BYTES, data.length * 4));
    const out = Buffer.allocUnsafe(room);
    const [remaining, produced, consumed] = dctx.decompressStream(out, data.subarray(srcPos));
    srcPos += consumed;
    total += produced;
    if (total > maxBytes) throw tooLarge("zstd", total, maxBytes);
    if (produced > 0) chunks.push(out.subarray(0, produced));
    if (remaining === 0 && srcPos === data.length) break;
    if (produced === 0 && consumed === 0) throw corrupt("zstd", "frame is truncated");
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
}

function decompressZstd(data: Buffer, maxBytes: number): Buffer {
  const zstdBinding = zstdNative().binding;
  return guarded("zstd", () => {
    if (data.length === 0) throw corrupt("zstd", "empty payload");
    const declared = zstdDeclaredSize(data, maxBytes);
    if (declared === null) return zstdStreamDecompress(data, maxBytes);
    const out = Buffer.allocUnsafe(declared);
    const written = zstdBinding.decompress(out, data);
    if (written !== declared) throw corrupt("zstd", `decoded ${written} bytes, the frames declared ${declared}`);
    return out;
  });
}

const zstd: CompressionCodec = {
  id: CompressionType.zstd,
  name: "zstd",
  compress: (data) => zstdNative().compress(data),
  decompress: decompressZstd,
};

// --------------------------------------------------------------------------- table

/** Codecs indexed by compression id. */
export const COMPRESSION_CODECS: readonly CompressionCodec[] = [none, gzip, snappy, lz4, zstd];

/** The codec for an attribute compression id or a name; UNSUPPORTED_COMPRESSION_TYPE for anything else. */
export function compressionCodec(idOrName: number | CompressionName): CompressionCodec {
  const id = typeof idOrName === "number" ? idOrName : COMPRESSION_NAMES.indexOf(idOrName);
  const codec = Number.isInteger(id) ? COMPRESSION_CODECS[id] : undefined;
  if (codec === undefined) throw new TidelogError("UNSUPPORTED_COMPRESSION_TYPE", `compression ${String(idOrName)}`);
  return codec;
}

export function compress(idOrName: number | CompressionName, data: Buffer): Buffer {
  return compressionCodec(idOrName).compress(data);
}

export function decompress(idOrName: number | CompressionName, data: Buffer, maxBytes: number): Buffer {
  return compressionCodec(idOrName).decompress(data, maxBytes);
}
