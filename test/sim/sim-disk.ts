/**
 * A power cut for the in-process simulation: what each file under a directory held when
 * it was last fsynced, learned from the fsync calls themselves (not from the log's own
 * idea of its recovery point, which is what a power cut tests), and a cut that loses
 * any part of the rest.
 *
 * Installed, it wraps node:fs's descriptor calls for the whole process (the storage code
 * imports them by name; `syncBuiltinESMExports` re-points those imports): `openSync`
 * remembers which path a descriptor names, `fsync`/`fsyncSync` record the file's size
 * when the fsync was asked for (bytes written after it may or may not be on disk; they
 * are counted as not), truncation and removal lower or forget it, a rename moves it. Only
 * paths under the tracker's root are followed, and their fsyncs do not reach the disk
 * (the power cut is this class's to simulate; a real fsync would only cost time).
 *
 * `losePower(dir)` then does to every log, index, snapshot and checkpoint file in `dir`
 * what a power cut may: the bytes past the last fsync survive whole, in part (cut at a
 * random byte, so the last write may be torn mid-batch), or as zeros (the file's length
 * reached the disk before its data, as ext4's writeback mode allows). What was fsynced is
 * never touched. Directory entries are taken as durable (a file created and never
 * fsynced is cut to anything from nothing to all of it).
 */
import fs from "node:fs";
import fsPromises from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";
import { join } from "node:path";
import type { Random } from "../../clients/verify/src/random.js";

/** The files a power cut may damage: segments, their indexes, snapshots, the epoch checkpoint. */
const DAMAGEABLE = /(\.log|\.index|\.timeindex|\.txnindex|\.snapshot|leader-epoch-checkpoint)$/;
/** Chance that a file's unsynced tail was written back before the power went. */
const WRITTEN_BACK = 0.25;
/** Chance that the lost tail reads as zeros instead of being gone. */
const ZEROED = 0.3;

type Fs = typeof fs;
const WRAPPED = [
  "openSync",
  "closeSync",
  "fsync",
  "fsyncSync",
  "ftruncateSync",
  "truncateSync",
  "renameSync",
  "rmSync",
  "unlinkSync",
] as const;
type Wrapped = (typeof WRAPPED)[number];

let installed: SimDisk | null = null;

export class SimDisk {
  private readonly fdPaths = new Map<number, string>();
  /** Per file: its length at its last fsync. */
  private readonly synced = new Map<string, number>();
  /** node:fs's own functions, restored by uninstall. */
  private readonly originals: Pick<Fs, Wrapped> = Object.fromEntries(WRAPPED.map((name) => [name, fs[name]])) as Pick<
    Fs,
    Wrapped
  >;

  private readonly promiseOriginals = { open: fsPromises.open, rename: fsPromises.rename };

  private constructor(private readonly root: string) {}

  /** Starts following fsyncs under `root`; one tracker at a time per process. */
  static install(root: string): SimDisk {
    if (installed) throw new Error(`a SimDisk is installed already (for ${installed.root})`);
    const disk = new SimDisk(root);
    disk.wrap();
    installed = disk;
    return disk;
  }

  uninstall(): void {
    Object.assign(fs, this.originals);
    Object.assign(fsPromises, this.promiseOriginals);
    syncBuiltinESMExports();
    installed = null;
  }

  /** The length of `path` at its last fsync (0 when never fsynced). */
  syncedLength(path: string): number {
    return this.synced.get(path) ?? 0;
  }

  /**
   * Damages the unsynced tail of every damageable file in `dir`; one line per file
   * touched. `fsyncLies` (a negative control): fsynced bytes may go too, as on a disk
   * whose write cache acknowledges a flush it has not done.
   */
  losePower(dir: string, random: Random, fsyncLies = false): string[] {
    const touched: string[] = [];
    const o = this.originals;
    let names: string[];
    try {
      names = fs.readdirSync(dir).sort();
    } catch {
      return touched;
    }
    for (const name of names) {
      if (!DAMAGEABLE.test(name)) continue;
      const path = join(dir, name);
      const size = fs.statSync(path).size;
      const kept = fsyncLies ? 0 : Math.min(this.syncedLength(path), size);
      if (size <= kept || random.chance(WRITTEN_BACK)) continue;
      const cut = random.int(kept, size - 1);
      if (random.chance(ZEROED)) {
        const fd = o.openSync(path, "r+");
        try {
          fs.writeSync(fd, Buffer.alloc(size - cut), 0, size - cut, cut);
        } finally {
          o.closeSync(fd);
        }
        touched.push(`${name}: ${size - cut} of ${size - kept} unsynced bytes zeroed`);
      } else {
        o.truncateSync(path, cut);
        touched.push(`${name}: ${size - cut} of ${size - kept} unsynced bytes lost`);
      }
    }
    return touched;
  }

  private follows(path: unknown): path is string {
    return typeof path === "string" && path.startsWith(this.root);
  }

  private lower(path: string, length: number): void {
    const s = this.synced.get(path);
    if (s !== undefined && s > length) this.synced.set(path, length);
  }

  private forget(path: string): void {
    for (const p of [...this.synced.keys()]) if (p === path || p.startsWith(`${path}/`)) this.synced.delete(p);
  }

  private wrap(): void {
    const o = this.originals;
    const disk = this;
    const lengthOf = (fd: number) => fs.fstatSync(fd).size;
    const patched: Partial<Record<Wrapped, unknown>> = {
      openSync(path: fs.PathLike, flags?: fs.OpenMode, ...rest: unknown[]) {
        const fd = (o.openSync as (...a: unknown[]) => number)(path, flags, ...rest);
        if (disk.follows(path)) {
          disk.fdPaths.set(fd, path);
          const truncates =
            typeof flags === "string" ? flags.startsWith("w") : ((flags ?? 0) & fs.constants.O_TRUNC) !== 0;
          if (truncates) disk.lower(path, 0);
        }
        return fd;
      },
      closeSync(fd: number) {
        disk.fdPaths.delete(fd);
        return o.closeSync(fd);
      },
      // Under the root the power cut is simulated, so a real fsync would only cost time.
      fsync(fd: number, callback: (err: NodeJS.ErrnoException | null) => void) {
        const path = disk.fdPaths.get(fd);
        if (path === undefined) return o.fsync(fd, callback);
        const length = lengthOf(fd);
        setImmediate(() => {
          if (disk.fdPaths.get(fd) === path) disk.synced.set(path, length);
          callback(null);
        });
      },
      fsyncSync(fd: number) {
        const path = disk.fdPaths.get(fd);
        if (path === undefined) return o.fsyncSync(fd);
        disk.synced.set(path, lengthOf(fd));
      },
      ftruncateSync(fd: number, len?: number) {
        const path = disk.fdPaths.get(fd);
        if (path !== undefined) disk.lower(path, len ?? 0);
        return o.ftruncateSync(fd, len);
      },
      truncateSync(path: fs.PathLike, len?: number) {
        if (disk.follows(path)) disk.lower(path, len ?? 0);
        return o.truncateSync(path, len);
      },
      renameSync(from: fs.PathLike, to: fs.PathLike) {
        o.renameSync(from, to);
        if (disk.follows(to)) {
          disk.forget(to);
          if (disk.follows(from) && disk.synced.has(from)) disk.synced.set(to, disk.synced.get(from)!);
        }
        if (disk.follows(from)) disk.forget(from);
      },
      rmSync(path: fs.PathLike, options?: fs.RmOptions) {
        o.rmSync(path, options);
        if (disk.follows(path)) disk.forget(path);
      },
      unlinkSync(path: fs.PathLike) {
        o.unlinkSync(path);
        if (disk.follows(path)) disk.forget(path);
      },
    };
    Object.assign(fs, patched);
    // The few promise-based writes (partition.metadata) run synchronously under the root,
    // through the wrapped calls above: I/O finishing on the thread pool at its own pace
    // would make a seed's schedule depend on the machine's load, and not replay.
    const promised = this.promiseOriginals;
    Object.assign(fsPromises, {
      open(path: fs.PathLike, flags?: string, mode?: fs.Mode) {
        if (!disk.follows(path)) return promised.open(path, flags, mode);
        const fd = fs.openSync(path, flags ?? "r", mode);
        const handle = {
          fd,
          writeFile: async (data: string | Uint8Array) => void fs.writeFileSync(fd, data),
          sync: async () => fs.fsyncSync(fd),
          close: async () => fs.closeSync(fd),
        };
        return Promise.resolve(handle);
      },
      rename(from: fs.PathLike, to: fs.PathLike) {
        if (!disk.follows(from)) return promised.rename(from, to);
        fs.renameSync(from, to);
        return Promise.resolve();
      },
    });
    syncBuiltinESMExports();
  }
}
