/**
 * Build buffers of one size (the producer's batchSize), kept for reuse once a batch no
 * longer needs its own (Kafka's producer BufferPool plays the same part).
 *
 * Why: with lingerMs 0 nearly every send opens a batch, and a batch reserves batchSize
 * bytes to build in. Allocated fresh each time, 16 KiB buffers at thousands of batches a
 * second are external memory V8 counts towards its next full collection: the producing
 * process ran a mark-compact about every 480 ms, and each one showed up as a burst of
 * slow acknowledgements. A buffer comes back only when the built batch did not keep it
 * (it was copied out or compressed), so nothing still being sent can be overwritten.
 *
 * Bounded: at most `maxBuffers` are kept; others are left to the garbage collector.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];

  constructor(
    readonly bufferBytes: number,
    private readonly maxBuffers: number,
  ) {
    if (!Number.isInteger(bufferBytes) || bufferBytes <= 0) throw new RangeError(`buffer size ${bufferBytes}`);
    if (!Number.isInteger(maxBuffers) || maxBuffers < 0) throw new RangeError(`pool bound ${maxBuffers}`);
  }

  /** A free buffer of `bufferBytes`, or undefined when none is kept (the caller allocates). */
  take(): Buffer | undefined {
    return this.free.pop();
  }

  /** Keeps `buf` for reuse if it is of the pool's size and the pool has room. */
  give(buf: Buffer): void {
    if (buf.length === this.bufferBytes && this.free.length < this.maxBuffers) this.free.push(buf);
  }

  get size(): number {
    return this.free.length;
  }
}
