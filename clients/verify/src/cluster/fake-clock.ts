/**
 * A broker's wall clock under our control: the broker runs with libfaketime preloaded,
 * reading its offset from a timestamp file that this process rewrites, so the clock can
 * jump while the broker runs (an NTP step, a VM resumed on another host).
 *
 *   <run>/clock/broker-2 contains "+0"       the real time
 *                                  "+3600"   one hour ahead ("-3600": behind; fractions allowed)
 *
 * Only the wall clock moves (CLOCK_REALTIME: Date.now(), log append times, lease and
 * transaction deadlines kept in wall time). FAKETIME_DONT_FAKE_MONOTONIC keeps the
 * monotonic clock true: libuv's timers run on it, and a monotonic clock that jumped back
 * an hour would stall every timer for that hour — a different fault, and not one a real
 * machine has. libfaketime re-reads the file at most once a second
 * (FAKETIME_CACHE_DURATION), not on every clock call (about 40x slower in Node), so a jump
 * shows within a second. The file is replaced atomically (a rename), so no read sees half
 * of it.
 *
 * Needs the faketime Debian package (libfaketime.so.1); without it `findLibfaketime`
 * returns null and the clock-jump fault is unavailable.
 */
import { existsSync, renameSync, writeFileSync } from "node:fs";

/** Where Debian and others put the library (the single-threaded variant works for Node: it locks). */
const LIBFAKETIME_PATHS = [
  "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
  "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
  "/usr/lib/faketime/libfaketime.so.1",
  "/usr/local/lib/faketime/libfaketime.so.1",
] as const;
/** Seconds libfaketime keeps the file's offset before reading it again. */
const CACHE_SECONDS = 1;
/** A wall clock this far off is a configuration mistake, not a fault. */
const OFFSET_MS_MAX = 10 * 365 * 24 * 3600 * 1000;

export const FAKETIME_INSTALL_HINT = "install the faketime Debian package (`apt-get install -y faketime`)";

/** The libfaketime library, or null when it is not installed. */
export function findLibfaketime(): string | null {
  return LIBFAKETIME_PATHS.find((path) => existsSync(path)) ?? null;
}

/** One broker's timestamp file. */
export class FakeClock {
  constructor(
    private readonly library: string,
    readonly path: string,
  ) {
    this.write(0);
  }

  /** The environment that puts a process under this clock (added to its own). */
  env(inherited: NodeJS.ProcessEnv = {}): Record<string, string> {
    const preload = inherited.LD_PRELOAD ? `${this.library} ${inherited.LD_PRELOAD}` : this.library;
    return {
      LD_PRELOAD: preload,
      FAKETIME_TIMESTAMP_FILE: this.path,
      FAKETIME_CACHE_DURATION: String(CACHE_SECONDS),
      FAKETIME_DONT_FAKE_MONOTONIC: "1",
    };
  }

  /** Sets the wall clock `offsetMs` away from the real one (0: the real time); shows within CACHE_SECONDS. */
  set(offsetMs: number): void {
    if (!Number.isFinite(offsetMs) || Math.abs(offsetMs) > OFFSET_MS_MAX) {
      throw new RangeError(`a clock offset is at most ${OFFSET_MS_MAX} ms either way, not ${offsetMs}`);
    }
    this.write(offsetMs);
  }

  private write(offsetMs: number): void {
    const seconds = (offsetMs / 1000).toFixed(3);
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, `${offsetMs < 0 ? "" : "+"}${seconds}\n`);
    renameSync(temporary, this.path);
  }
}

/** How long after `set` a clock shows its new offset, at most. */
export const FAKE_CLOCK_SETTLE_MS = CACHE_SECONDS * 1000 + 500;
