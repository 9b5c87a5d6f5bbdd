/**
 * The verifier's seeded randomness: one seed makes a run's choices (partitions, intents,
 * member lifetimes) repeatable. Each client process gets its own stream, a jump of the
 * run's generator (pure-rand's xoroshiro128+), so processes do not share draws and a
 * process's choices do not depend on how the others were scheduled.
 */
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { JumpableRandomGenerator } from "pure-rand/types/JumpableRandomGenerator";

export class Random {
  private constructor(private readonly rng: JumpableRandomGenerator) {}

  static seeded(seed: number): Random {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`a seed is a safe integer, not ${seed}`);
    // xoroshiro128plus takes 32 bits: fold the high half in so seeds above 2^32 still differ.
    return new Random(xoroshiro128plus((seed ^ Math.floor(seed / 2 ** 32)) | 0));
  }

  /** A uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return uniformInt(this.rng, min, max);
  }

  /** True with probability `p` (0..1), to a millionth. */
  chance(p: number): boolean {
    return this.int(0, 999_999) < Math.round(p * 1_000_000);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("cannot pick from nothing");
    return items[this.int(0, items.length - 1)] as T;
  }

  /** `count` distinct items, in the order drawn. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count && pool.length > 0) out.push(pool.splice(this.int(0, pool.length - 1), 1)[0] as T);
    return out;
  }

  /** An independent stream: this one jumped 2^64 draws ahead, then stepped past. */
  fork(): Random {
    const child = this.rng.clone();
    child.jump();
    this.rng.jump();
    this.rng.jump();
    return new Random(child);
  }
}
