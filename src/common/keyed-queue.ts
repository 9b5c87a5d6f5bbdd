/**
 * Runs operations one at a time per key (a group, a transactional id), in arrival order,
 * with a bound on how many may wait per key: past it new ones are refused with the
 * caller's error (clients retry) instead of queueing without limit. A failed operation
 * does not stop the ones behind it.
 */
export class KeyedQueue {
  private readonly queues = new Map<string, { tail: Promise<void>; length: number }>();

  constructor(
    private readonly maxQueuedPerKey: number,
    private readonly refuse: (key: string) => Error,
  ) {}

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const queue = this.queues.get(key) ?? { tail: Promise.resolve(), length: 0 };
    if (queue.length >= this.maxQueuedPerKey) return Promise.reject(this.refuse(key));
    queue.length++;
    this.queues.set(key, queue);
    const run = queue.tail.then(fn);
    queue.tail = run.then(
      () => undefined,
      () => undefined,
    );
    void queue.tail.then(() => {
      queue.length--;
      if (queue.length === 0 && this.queues.get(key) === queue) this.queues.delete(key);
    });
    return run;
  }
}
