/**
 * Zigzag varints: the integer encoding inside RecordBatch v2 records (Kafka's
 * `ByteUtils.writeVarint` / `writeVarlong`, protobuf's sint32 / sint64).
 *
 * Zigzag folds signed onto unsigned so that small magnitudes stay short (0 -> 0,
 * -1 -> 1, 1 -> 2, -2 -> 3, ...); the unsigned value is then written seven bits at a
 * time, least significant group first, with the high bit of a byte set when another
 * byte follows:
 *
 *        value        zigzag   bytes
 *            0             0   00
 *           -1             1   01
 *            1             2   02
 *           63           126   7e
 *          -64           127   7f
 *           64           128   80 01
 *          300           600   d8 04
 *       2^31-1        2^32-2   fe ff ff ff 0f
 *        -2^31        2^32-1   ff ff ff ff 0f
 *
 * A varint is an int32 (at most 5 bytes). A varlong is an int64 (at most 10 bytes),
 * held here as a JS number: only the safe-integer range, +-(2^53 - 1), is accepted, and
 * a longer value read from the wire is corruption (no offset, timestamp or delta of
 * tidelog's gets there).
 *
 * Reads never trust the input: they stop at `end`, refuse a varint with more bytes than
 * its type allows, and throw `TidelogError("CORRUPT_MESSAGE")`. They take a `ReadCursor`
 * whose `pos` they advance, so that decoding a record allocates nothing per varint.
 * Callers pass `end <= buf.length`.
 */

import { TidelogError } from "../errors.js";

/** The read position shared by consecutive reads from one buffer. */
export class ReadCursor {
  pos: number;

  constructor(pos = 0) {
    this.pos = pos;
  }
}

/** Bytes a varint occupies at most (32 bits in 7-bit groups). */
export const MAX_VARINT_BYTES = 5;
/** Bytes a varlong occupies at most (64 bits in 7-bit groups). */
export const MAX_VARLONG_BYTES = 10;

function truncated(what: string, pos: number): TidelogError {
  return new TidelogError("CORRUPT_MESSAGE", `${what} at byte ${pos} runs past the end of its field`);
}

/** Reads a zigzag int32. */
export function readVarint(buf: Buffer, cursor: ReadCursor, end: number): number {
  let pos = cursor.pos;
  if (pos >= end) throw truncated("varint", pos);
  let b = buf[pos++] as number;
  // Lengths, offset deltas and header counts are nearly always one byte.
  if (b < 0x80) {
    cursor.pos = pos;
    return (b >>> 1) ^ -(b & 1);
  }
  let raw = b & 0x7f;
  for (let shift = 7; shift < 28; shift += 7) {
    if (pos >= end) throw truncated("varint", cursor.pos);
    b = buf[pos++] as number;
    raw |= (b & 0x7f) << shift;
    if (b < 0x80) {
      cursor.pos = pos;
      return (raw >>> 1) ^ -(raw & 1);
    }
  }
  if (pos >= end) throw truncated("varint", cursor.pos);
  b = buf[pos++] as number;
  // The fifth byte carries the top 4 bits; anything more would not fit an int32.
  if (b > 0x0f) {
    throw new TidelogError("CORRUPT_MESSAGE", `varint at byte ${cursor.pos} is longer than 32 bits`);
  }
  raw |= b << 28;
  cursor.pos = pos;
  return (raw >>> 1) ^ -(raw & 1);
}

/**
 * Reads a zigzag int64 as a safe integer. The zigzag value can reach 2^54, past exact
 * doubles, so the sign bit is taken off the first byte and only the magnitude is summed.
 */
export function readVarlong(buf: Buffer, cursor: ReadCursor, end: number): number {
  let pos = cursor.pos;
  if (pos >= end) throw truncated("varlong", pos);
  let b = buf[pos++] as number;
  if (b < 0x80) {
    cursor.pos = pos;
    return (b >>> 1) ^ -(b & 1);
  }
  const negative = (b & 1) === 1;
  let magnitude = (b & 0x7f) >>> 1;
  let scale = 64;
  for (let i = 1; i < MAX_VARLONG_BYTES; i++) {
    if (pos >= end) throw truncated("varlong", cursor.pos);
    b = buf[pos++] as number;
    magnitude += (b & 0x7f) * scale;
    if (b < 0x80) {
      // A sum that passed 2^53 rounds to at least 2^53, so this test cannot be fooled.
      if (magnitude > (negative ? Number.MAX_SAFE_INTEGER - 1 : Number.MAX_SAFE_INTEGER)) {
        throw new TidelogError("CORRUPT_MESSAGE", `varlong at byte ${cursor.pos} is outside the safe integer range`);
      }
      cursor.pos = pos;
      return negative ? -magnitude - 1 : magnitude;
    }
    scale *= 128;
  }
  throw new TidelogError("CORRUPT_MESSAGE", `varlong at byte ${cursor.pos} is longer than ${MAX_VARLONG_BYTES} bytes`);
}

/** Writes a zigzag int32 at `pos`; returns the position after it. The caller has made room. */
export function writeVarint(buf: Buffer, pos: number, value: number): number {
  if ((value | 0) !== value) throw new RangeError(`varint value ${value} is not an int32`);
  let u = ((value << 1) ^ (value >> 31)) >>> 0;
  while (u >= 0x80) {
    buf[pos++] = (u & 0x7f) | 0x80;
    u >>>= 7;
  }
  buf[pos++] = u;
  return pos;
}

/** Writes a zigzag int64 (a safe integer) at `pos`; returns the position after it. */
export function writeVarlong(buf: Buffer, pos: number, value: number): number {
  if ((value | 0) === value) return writeVarint(buf, pos, value);
  if (!Number.isSafeInteger(value)) throw new RangeError(`varlong value ${value} is not a safe integer`);
  // zigzag(value) = 2 * magnitude + sign; emit its low 7 bits, then magnitude / 64 onward.
  const sign = value < 0 ? 1 : 0;
  let magnitude = value < 0 ? -value - 1 : value;
  buf[pos++] = (((magnitude % 64) * 2 + sign) | 0x80) & 0xff;
  magnitude = Math.floor(magnitude / 64);
  while (magnitude >= 0x80) {
    buf[pos++] = (magnitude % 128) | 0x80;
    magnitude = Math.floor(magnitude / 128);
  }
  buf[pos++] = magnitude;
  return pos;
}

/** Bytes `writeVarint(value)` takes. */
export function sizeOfVarint(value: number): number {
  const u = ((value << 1) ^ (value >> 31)) >>> 0;
  if (u < 0x80) return 1;
  if (u < 0x4000) return 2;
  if (u < 0x200000) return 3;
  if (u < 0x10000000) return 4;
  return 5;
}

/** Bytes `writeVarlong(value)` takes. */
export function sizeOfVarlong(value: number): number {
  if ((value | 0) === value) return sizeOfVarint(value);
  let rest = Math.floor((value < 0 ? -value - 1 : value) / 64);
  let size = 1;
  while (rest > 0) {
    size++;
    rest = Math.floor(rest / 128);
  }
  return size;
}
