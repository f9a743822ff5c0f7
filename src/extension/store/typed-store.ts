import type { StorageAreaLike } from './area.js';

/**
 * One typed value kept under one key of a storage area. Every read is validated by `parse` (storage is
 * input: another version of the add-on, a crash mid-write or a user's edit can leave anything there);
 * a value that does not parse reads as `fallback()`. Updates within one context are serialized so two
 * read-modify-write cycles never interleave.
 */
export class TypedStore<T> {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly area: StorageAreaLike,
    private readonly key: string,
    private readonly parse: (raw: unknown) => T | null,
    private readonly fallback: () => T,
  ) {}

  async get(): Promise<T> {
    const raw = (await this.area.get(this.key))[this.key];
    if (raw === undefined) return this.fallback();
    return this.parse(raw) ?? this.fallback();
  }

  /** Applies `change` to the current value and stores the result; returns it. */
  update(change: (current: T) => T): Promise<T> {
    const run = this.#queue.then(async () => {
      const next = change(await this.get());
      await this.area.set({ [this.key]: next });
      return next;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  set(value: T): Promise<T> {
    return this.update(() => value);
  }

  async clear(): Promise<void> {
    await this.#queue;
    await this.area.remove(this.key);
  }
}
