/**
 * Loading a partition log's segments from its directory, and the recovery an unclean
 * stop calls for (Kafka's LogLoader): finish or roll back an interrupted segment swap,
 * drop debris (`.deleted`, `.tmp`, indexes whose log is gone), open the segments below
 * the recovery point as they are, and validate every batch from the segment holding the
 * recovery point onwards. The first invalid batch ends the log: its segment is cut
 * there, and every later segment is deleted, since nothing after it can be trusted.
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { TidelogError } from "@tidelog/client/record";
import type { Clock } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import type { FileHandleCache } from "./file-handle-cache.js";
import type { LogConfig } from "./log-config.js";
import { INDEX_SUFFIX, LOG_SUFFIX, LogSegment, parseSegmentFileName, TIME_INDEX_SUFFIX } from "./log-segment.js";
import { deleteSegmentFiles, finishInterruptedSwaps } from "./segment-swap.js";

export interface LoadOptions {
  readonly dir: string;
  readonly config: LogConfig;
  readonly files: FileHandleCache;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Offsets below it were fsynced; +Infinity after a clean stop (nothing to validate). */
  readonly recoveryPoint: number;
  /** Whether batches may have gaps between them (a compacted log); elsewhere a gap is damage. */
  readonly mayHaveGaps: boolean;
}

export interface LoadedSegments {
  /** Oldest first; never empty (an empty log gets one empty segment at offset 0). */
  readonly segments: LogSegment[];
  /**
   * The recovery point to carry on from: the log end offset after a clean stop, else the
   * checkpointed one (no higher than the log end): what was validated here is not yet
   * known to be on disk.
   */
  readonly recoveredTo: number;
}

export function loadSegments(options: LoadOptions): LoadedSegments {
  const { dir, config, files, clock, logger, recoveryPoint } = options;
  const swapped = finishInterruptedSwaps(dir, files, logger);
  const names = readdirSync(dir);
  const bases: number[] = [];
  for (const name of names) {
    if (name.endsWith(".deleted") || name.endsWith(".tmp")) {
      rmSync(join(dir, name), { force: true });
      continue;
    }
    const base = parseSegmentFileName(name);
    if (base !== null) bases.push(base);
  }
  // An index whose log is gone is debris of an interrupted delete.
  for (const name of names) {
    for (const suffix of [INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
      if (name.endsWith(suffix) && !names.includes(name.slice(0, -suffix.length) + LOG_SUFFIX)) {
        rmSync(join(dir, name), { force: true });
      }
    }
  }
  bases.sort((a, b) => a - b);
  if (bases.length === 0) return { segments: [LogSegment.create(dir, 0, config, files, clock)], recoveredTo: 0 };
  // Segments from the one holding the recovery point onwards are validated in full.
  let firstToRecover = bases.length;
  if (recoveryPoint !== Number.POSITIVE_INFINITY) {
    firstToRecover = 0;
    while (firstToRecover < bases.length - 1 && (bases[firstToRecover + 1] as number) <= recoveryPoint)
      firstToRecover++;
  }
  let segments: LogSegment[] = [];
  for (let i = 0; i < bases.length; i++) {
    const base = bases[i] as number;
    const previous = segments[segments.length - 1];
    if (previous && base < previous.nextOffset) {
      throw new TidelogError("CORRUPT_LOG", `segment ${base} in ${dir} overlaps the one before it`);
    }
    if (i < firstToRecover && !swapped.has(base)) {
      segments.push(LogSegment.open(dir, base, config, files, clock));
      continue;
    }
    const segment = LogSegment.openForRecovery(dir, base, config, files, clock);
    const result = segment.recover(Math.max(config.maxMessageBytes, config.segmentBytes), !options.mayHaveGaps);
    segments.push(segment);
    if (result.truncatedBytes > 0) {
      logger.warn(
        { segment: base, truncatedBytes: result.truncatedBytes, reason: result.reason },
        "recovery truncated an invalid tail",
      );
      // Nothing after the first invalid batch is trusted: later segments go too.
      for (const later of bases.slice(i + 1)) deleteSegmentFiles(dir, later, files);
      break;
    }
  }
  // An empty segment before the last carries nothing (a crash right after a roll).
  const last = segments[segments.length - 1] as LogSegment;
  for (const segment of segments) if (segment !== last && segment.isEmpty) segment.delete();
  segments = segments.filter((s) => s === last || !s.isEmpty);
  // Validated is not fsynced: after a kill -9 the bytes past the recovery point may live
  // only in the page cache. The recovery point stays where the checkpoint put it until a
  // flush really syncs them, or a power cut after a checkpoint would leave them unscanned
  // on the next start (Kafka's LogLoader keeps it the same way). The in-process
  // simulation's power cuts lost an acknowledged record here.
  const recoveredTo =
    recoveryPoint === Number.POSITIVE_INFINITY ? last.nextOffset : Math.min(recoveryPoint, last.nextOffset);
  return { segments, recoveredTo };
}
