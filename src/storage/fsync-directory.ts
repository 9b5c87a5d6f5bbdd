/**
 * fsyncs a directory, so renames and deletions in it survive a crash (a rename is
 * durable only once its directory is).
 */
import { closeSync, fsyncSync, openSync } from "node:fs";

export function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
