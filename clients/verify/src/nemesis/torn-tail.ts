/**
 * A torn segment tail, as a power cut leaves it: the last few bytes of a partition's
 * active segment gone, in the middle of its last batch. Done to a killed broker's data
 * directory before it restarts; the broker must find the torn batch on recovery, cut the
 * log back to the last whole batch ("recovery truncated an invalid tail") and fetch the
 * rest from the leader again.
 *
 * Cutting at most TORN_BYTES_MAX bytes always lands inside the last batch, because a batch
 * is never shorter than its 61-byte header; only segments longer than MIN_SEGMENT_BYTES are
 * torn, so at least one batch stays whole.
 */
import { readdirSync, statSync, truncateSync } from "node:fs";
import { join } from "node:path";
import type { Random } from "../random.js";

export const TORN_BYTES_MAX = 16;
const MIN_SEGMENT_BYTES = 2 * 61;
const SEGMENT_FILE = /^\d{20}\.log$/;
const PARTITION_DIR = /^(.+)-(\d+)$/;

export interface TornTail {
  /** "orders-2/00000000000000000000.log". */
  readonly segment: string;
  readonly sizeBytes: number;
  readonly cutBytes: number;
}

/** The active segment (highest base offset) of each partition directory of `topics` (all when empty). */
function activeSegments(dataDir: string, topics: readonly string[]): { path: string; name: string; size: number }[] {
  const found: { path: string; name: string; size: number }[] = [];
  let dirs: string[];
  try {
    dirs = readdirSync(dataDir);
  } catch {
    return found;
  }
  for (const dir of dirs) {
    const m = PARTITION_DIR.exec(dir);
    if (!m || (topics.length > 0 && !topics.includes(m[1] as string))) continue;
    let files: string[];
    try {
      files = readdirSync(join(dataDir, dir)).filter((f) => SEGMENT_FILE.test(f));
    } catch {
      continue; // not a directory, or deleted meanwhile
    }
    const last = files.sort().at(-1);
    if (last === undefined) continue;
    const path = join(dataDir, dir, last);
    const size = statSync(path).size;
    if (size >= MIN_SEGMENT_BYTES) found.push({ path, name: `${dir}/${last}`, size });
  }
  return found;
}

/** Tears the tail of one active segment (drawn at random); null when no segment is long enough. */
export function tearTail(dataDir: string, topics: readonly string[], random: Random): TornTail | null {
  const segments = activeSegments(dataDir, topics);
  if (segments.length === 0) return null;
  const chosen = random.pick(segments.sort((a, b) => a.name.localeCompare(b.name)));
  const cutBytes = random.int(1, TORN_BYTES_MAX);
  truncateSync(chosen.path, chosen.size - cutBytes);
  return { segment: chosen.name, sizeBytes: chosen.size, cutBytes };
}
