/**
 * A small tmpfs under a broker's data directory, so the disk-full fault can fill it up
 * without touching the machine's disk: a filler file takes every free page, the broker's
 * writes fail with ENOSPC, and deleting the filler frees them again.
 *
 *   <run>/broker-2-disk/          the tmpfs (size=<MiB>m), mounted by the launch
 *   <run>/broker-2-disk/data/     the broker's log.dirs
 *   <run>/broker-2-disk/filler    while a disk-full fault lasts
 *
 * The filler sits beside the data directory, not in it, so the broker never sees a file it
 * did not write. Mounting needs root (CAP_SYS_ADMIN); `mountTmpfs` then throws a
 * TmpfsUnavailableError saying so. Mounts are undone by the launch's close() (or its exit
 * hook); a run killed with SIGKILL leaves them to the next launch's sweep (run-dir.ts).
 */
import { execFile, execFileSync } from "node:child_process";
import { open, rm } from "node:fs/promises";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** A mount or umount that has not answered by then is broken. */
const COMMAND_TIMEOUT_MS = 10_000;
/** Written per write call while filling; smaller chunks follow to take the last pages. */
const FILL_CHUNKS_BYTES = [1 << 20, 64 << 10, 4 << 10] as const;
/** Bounds the filler, whatever the file system claims: a tmpfs of this package is far smaller. */
const FILL_BYTES_MAX = 8 * 1024 * 1024 * 1024;
export const TMPFS_MIB_MIN = 8;
export const TMPFS_MIB_MAX = 4096;

export class TmpfsUnavailableError extends Error {
  override name = "TmpfsUnavailableError";
}

function stderrOf(error: unknown): string {
  const e = error as { stderr?: string | Buffer; message?: string };
  return String(e.stderr ?? "").trim() || (e.message ?? String(error));
}

/** Mounts a tmpfs of `mib` MiB on the (existing, empty) directory `dir`. */
export async function mountTmpfs(dir: string, mib: number): Promise<void> {
  if (!Number.isSafeInteger(mib) || mib < TMPFS_MIB_MIN || mib > TMPFS_MIB_MAX) {
    throw new RangeError(`a tmpfs data directory takes ${TMPFS_MIB_MIN}..${TMPFS_MIB_MAX} MiB, not ${mib}`);
  }
  if (process.platform !== "linux") throw new TmpfsUnavailableError(`a tmpfs needs Linux, not ${process.platform}`);
  if (process.getuid?.() !== 0) throw new TmpfsUnavailableError("mounting a tmpfs needs root (CAP_SYS_ADMIN)");
  try {
    await execFileAsync("mount", ["-t", "tmpfs", "-o", `size=${mib}m,mode=0700`, "tmpfs", dir], {
      timeout: COMMAND_TIMEOUT_MS,
    });
  } catch (error) {
    throw new TmpfsUnavailableError(`cannot mount a tmpfs on ${dir}: ${stderrOf(error)}`, { cause: error });
  }
}

/** Unmounts `dir`; lazily when it is busy (a process still holds a file there). Never throws. */
export function unmountTmpfsSync(dir: string): void {
  for (const args of [[dir], ["-l", dir]]) {
    try {
      execFileSync("umount", args, { timeout: COMMAND_TIMEOUT_MS, stdio: "ignore" });
      return;
    } catch {
      // Busy or already gone: try the lazy unmount, then give up.
    }
  }
}

/**
 * Writes zeros to `path` until the file system is full (ENOSPC); returns the bytes
 * written. Asynchronous, in chunks, so the event loop of the caller (a workload) goes on.
 */
export async function fillUp(path: string): Promise<number> {
  const file = await open(path, "w");
  let total = 0;
  try {
    for (const chunk of FILL_CHUNKS_BYTES) {
      const zeros = Buffer.alloc(chunk);
      while (total < FILL_BYTES_MAX) {
        try {
          total += (await file.write(zeros, 0, chunk, total)).bytesWritten;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "ENOSPC") break;
          throw error;
        }
      }
    }
  } finally {
    await file.close();
  }
  return total;
}

/** Deletes a filler file; a missing one is fine. */
export async function removeFiller(path: string): Promise<void> {
  await rm(path, { force: true });
}
