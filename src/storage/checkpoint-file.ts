/**
 * An offset per partition, in Kafka's checkpoint format, replaced atomically.
 *
 * Format (text), e.g. `recovery-point-offset-checkpoint`:
 *   0              version
 *   2              number of entries
 *   orders 0 1500  topic, partition, offset
 *   orders 1 1320
 *
 * Written to `<name>.tmp`, fsynced, renamed over the old file, and the directory
 * fsynced, so after a crash the file is either the old one or the new one, never a mix.
 * A file that does not parse is reported and treated as absent: every consumer of a
 * checkpoint has a safe default (recovery point 0 means "scan everything").
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { Logger } from "../common/logger.js";
import type { TopicPartition } from "../common/topic-partition.js";

const VERSION = 0;

export class CheckpointFile {
  constructor(
    readonly path: string,
    private readonly logger: Logger,
  ) {}

  write(entries: ReadonlyMap<string, { tp: TopicPartition; offset: number }>): void {
    const lines = [String(VERSION), String(entries.size)];
    for (const { tp, offset } of entries.values()) lines.push(`${tp.topic} ${tp.partition} ${offset}`);
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, `${lines.join("\n")}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    const dirFd = openSync(dirname(this.path), "r");
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  }

  /** Offsets by `topic-partition` key; empty when the file is missing or damaged. */
  read(): Map<string, number> {
    const out = new Map<string, number>();
    if (!existsSync(this.path)) return out;
    const lines = readFileSync(this.path, "utf8")
      .split("\n")
      .filter((l) => l.length > 0);
    const fail = (why: string) => {
      this.logger.warn({ path: this.path, why }, "ignoring damaged checkpoint file");
      return new Map<string, number>();
    };
    if (lines[0] !== String(VERSION)) return fail(`version line '${lines[0]}'`);
    const count = Number(lines[1]);
    if (!Number.isSafeInteger(count) || count !== lines.length - 2)
      return fail(`count ${lines[1]} for ${lines.length - 2} entries`);
    for (const line of lines.slice(2)) {
      const parts = line.split(" ");
      const offset = Number(parts[2]);
      const partition = Number(parts[1]);
      if (parts.length !== 3 || !Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(partition)) {
        return fail(`entry '${line}'`);
      }
      out.set(`${parts[0]}-${partition}`, offset);
    }
    return out;
  }
}
