/**
 * CRC32C (Castagnoli), the checksum of RecordBatch v2. @node-rs/crc32 uses the SSE4.2
 * instruction through a prebuilt native module shipped inside the npm package: several
 * GB/s, where a table-driven JS loop manages tens of MB/s.
 */
import { crc32c as nativeCrc32c } from "@node-rs/crc32";

export function crc32c(data: Buffer): number {
  return nativeCrc32c(data) >>> 0;
}
