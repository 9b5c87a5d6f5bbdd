/**
 * Splits a byte stream into lines for `tidelog produce`: "\n" ends a line, a "\r" before
 * it is dropped (Windows line ends), and a last line without "\n" still counts. Lines are
 * views into the input chunks, not copies, handed out a chunk's worth at a time so the
 * caller pays one await per chunk, not per line.
 *
 * Bounded: a line longer than `maxLineBytes` is an error (the producer could not send it
 * anyway), so a file without newlines cannot grow the carried-over remainder without end.
 */
import { UsageError } from "./exit-codes.js";

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

function line(buf: Buffer, start: number, end: number): Buffer {
  return end > start && buf[end - 1] === CARRIAGE_RETURN ? buf.subarray(start, end - 1) : buf.subarray(start, end);
}

export async function* readLines(
  input: AsyncIterable<Buffer | string>,
  maxLineBytes: number,
): AsyncGenerator<Buffer[], void, undefined> {
  // The start of a line that began in an earlier chunk, in pieces (joined once, when it ends).
  let carry: Buffer[] = [];
  let carryBytes = 0;
  const tooLong = () => new UsageError(`an input line is longer than ${maxLineBytes} bytes`);
  for await (const piece of input) {
    const chunk = typeof piece === "string" ? Buffer.from(piece, "utf8") : piece;
    let nl = chunk.indexOf(NEWLINE);
    if (nl < 0) {
      carry.push(chunk);
      carryBytes += chunk.length;
      if (carryBytes > maxLineBytes) throw tooLong();
      continue;
    }
    const lines: Buffer[] = [];
    let start = 0;
    if (carryBytes > 0) {
      carry.push(chunk.subarray(0, nl));
      const joined = Buffer.concat(carry, carryBytes + nl);
      lines.push(line(joined, 0, joined.length));
      carry = [];
      carryBytes = 0;
      start = nl + 1;
      nl = chunk.indexOf(NEWLINE, start);
    }
    for (; nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
      lines.push(line(chunk, start, nl));
      start = nl + 1;
    }
    carry = start < chunk.length ? [chunk.subarray(start)] : [];
    carryBytes = chunk.length - start;
    for (const l of lines) if (l.length > maxLineBytes) throw tooLong();
    if (carryBytes > maxLineBytes) throw tooLong();
    yield lines;
  }
  if (carryBytes > 0) {
    const joined = Buffer.concat(carry, carryBytes);
    yield [line(joined, 0, joined.length)];
  }
}
