/**
 * The file protocol that swaps a cleaned segment in for the run of segments it replaces,
 * crash-safe at every step, and the recovery half that a reopen runs after a crash.
 * Both halves live here because each is only correct with the other.
 *
 * Swap (`swapInCleaned`; the log cleaner wrote `<base>.*.cleaned`, sealed and fsynced):
 *   1. rename `<base>.log.cleaned` to `<base>.log.swap` and fsync the directory: the
 *      commit point;
 *   2. delete the replaced segments;
 *   3. rename the cleaned indexes and then the swap file to their live names, fsync.
 *
 * Recovery (`finishInterruptedSwaps`, before a log's segments are loaded): `.cleaned`
 * files were never committed and go (a crash before 1 rolls back); a `<base>.log.swap`
 * was committed, so the segments holding offsets in [base, the swap's next offset) go and
 * the swap takes their place (a crash after 1 rolls forward).
 */
import { closeSync, openSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../common/logger.js";
import { scanHeaders } from "./batch-scanner.js";
import type { FileHandleCache } from "./file-handle-cache.js";
import { fsyncDirectory } from "./fsync-directory.js";
import {
  CLEANED_SUFFIX,
  INDEX_SUFFIX,
  LOG_SUFFIX,
  parseSegmentFileName,
  SWAP_SUFFIX,
  segmentFileName,
  TIME_INDEX_SUFFIX,
} from "./log-segment.js";

/** The steps of a segment swap, named so a crash test can stop after each. */
export type SwapStep = "cleaned" | "committed" | "replaced-deleted" | "swapped";

/** Removes a segment's log and index files (whatever of them exist). */
export function deleteSegmentFiles(dir: string, base: number, files: FileHandleCache): void {
  for (const suffix of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
    const path = join(dir, segmentFileName(base, suffix));
    files.forget(path);
    rmSync(path, { force: true });
  }
}

/**
 * Steps 1-3 of the swap for the segment at `base`, whose cleaned files are
 * `cleanedFiles` (log, index, time index; closed). `commit` runs right after the commit
 * point (the caller's bookkeeping), `deleteReplaced` deletes the replaced segments.
 * Throws what the file system said; after `commit` only a reopen repairs a failure.
 */
export function swapInCleaned(
  dir: string,
  base: number,
  cleanedFiles: readonly [string, string, string],
  hooks: { commit: () => void; deleteReplaced: () => void; onStep: (step: SwapStep) => void },
): void {
  const live = (suffix: string) => join(dir, segmentFileName(base, suffix));
  const [cleanedLog, cleanedIndex, cleanedTimeIndex] = cleanedFiles;
  hooks.onStep("cleaned");
  renameSync(cleanedLog, live(LOG_SUFFIX) + SWAP_SUFFIX);
  fsyncDirectory(dir);
  hooks.commit();
  hooks.onStep("committed");
  hooks.deleteReplaced();
  hooks.onStep("replaced-deleted");
  renameSync(cleanedIndex, live(INDEX_SUFFIX));
  renameSync(cleanedTimeIndex, live(TIME_INDEX_SUFFIX));
  renameSync(live(LOG_SUFFIX) + SWAP_SUFFIX, live(LOG_SUFFIX));
  fsyncDirectory(dir);
  hooks.onStep("swapped");
}

/**
 * Finishes or rolls back what an interrupted swap left in `dir` (see the header). Returns
 * the base offsets swapped in here; their indexes must be rebuilt by a full scan.
 */
export function finishInterruptedSwaps(dir: string, files: FileHandleCache, logger: Logger): Set<number> {
  const swapped = new Set<number>();
  for (const name of readdirSync(dir)) {
    if (name.endsWith(CLEANED_SUFFIX)) rmSync(join(dir, name), { force: true });
  }
  const names = readdirSync(dir);
  for (const name of names) {
    if (!name.endsWith(LOG_SUFFIX + SWAP_SUFFIX)) continue;
    const base = parseSegmentFileName(name.slice(0, -SWAP_SUFFIX.length));
    if (base === null) continue;
    const swapPath = join(dir, name);
    const end = nextOffsetOfFile(swapPath, base);
    if (end <= base) {
      // Never written by swapInCleaned (a cleaned segment always keeps a batch).
      logger.warn({ segment: base }, "deleting an empty swap file");
      rmSync(swapPath, { force: true });
      continue;
    }
    deleteSegmentFiles(dir, base, files);
    for (const other of names) {
      const b = parseSegmentFileName(other);
      if (b !== null && b > base && b < end) deleteSegmentFiles(dir, b, files);
    }
    renameSync(swapPath, join(dir, segmentFileName(base, LOG_SUFFIX)));
    swapped.add(base);
    logger.info({ segment: base, nextOffset: end }, "finished a segment swap interrupted by a crash");
  }
  if (swapped.size > 0) fsyncDirectory(dir);
  return swapped;
}

function nextOffsetOfFile(path: string, base: number): number {
  let next = base;
  const fd = openSync(path, "r");
  try {
    scanHeaders(fd, 0, statSync(path).size, (b) => {
      next = b.lastOffset + 1;
      return true;
    });
  } finally {
    closeSync(fd);
  }
  return next;
}
